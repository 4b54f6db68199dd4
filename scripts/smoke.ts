// `npm run smoke -- --url <base URL> [--timeout 60] [--room general] [--account]`: a black-box check of
// a running Fargate Chat, as a user sees it. The name resolves (a new domain's record may still be
// on its way), health, a message sent over one websocket and relayed to another, and the room's
// history holding it. Exits 0 when all of it works, 1 with the failing step named otherwise, always
// within the timeout.
//
// Two ways to be a user:
// - by default two guests in the public room --room (what `npm test` runs against the local build);
// - with --account (the release pipeline), the smoke account: its password comes from SMOKE_PASSWORD
//   (a Secrets Manager secret of the pipeline stack), its name and its private room from a hash of
//   it, so nobody else can take either. It signs in (registering itself the first time), opens two
//   tabs, writes in its own private room, then deletes its message and signs out: no guests, nothing
//   in any room people see, no session left behind.
import { createHash, randomBytes } from 'node:crypto'
import { lookup } from 'node:dns/promises'
import { isIP } from 'node:net'
import { parseArgs } from 'node:util'
import { io, type Socket } from 'socket.io-client'
import type { MessagePage } from '../shared/types/chat.ts'
import type { WireMessage, ClientToServerEvents, ServerToClientEvents } from '../shared/types/socket.ts'

type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    timeout: { type: 'string', default: '60' },
    room: { type: 'string', default: 'general' },
    account: { type: 'boolean', default: false },
  },
})

class StepError extends Error {}

function fail(message: string): never {
  throw new StepError(message)
}

if (!values.url || !/^https?:\/\//.test(values.url)) {
  console.error('usage: npm run smoke -- --url <http(s)://host[:port]> [--timeout <seconds>] [--room <room id>] [--account]')
  process.exit(2)
}
const password = process.env.SMOKE_PASSWORD ?? ''
if (values.account && password.length < 8) {
  console.error('--account needs the smoke account\'s password in SMOKE_PASSWORD (8 characters or more)')
  process.exit(2)
}
/** The smoke account's name, and its private room's id: derived from the password, so unguessable and stable. */
const accountName = `smoke-${createHash('sha256').update(password).digest('hex').slice(0, 12)}`
const base = values.url.replace(/\/+$/, '')
const timeoutMs = Number(values.timeout) * 1000
const room = values.account ? accountName : values.room
// AWS WAF's common rules refuse requests without a User-Agent; Node's websocket client sends none.
const USER_AGENT = 'fargate-chat-smoke'
const began = Date.now()
const deadline = began + timeoutMs
const remaining = () => Math.max(deadline - Date.now(), 1)
const sockets: ChatSocket[] = []

/** A fetch that gives up at the overall deadline. */
async function request(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = { 'user-agent': USER_AGENT, 'accept': 'application/json', ...init.headers as Record<string, string> }
  return fetch(`${base}${path}`, { ...init, headers, redirect: 'manual', signal: AbortSignal.timeout(remaining()) })
}

/** A JSON request carrying a session cookie. */
async function send(method: string, path: string, cookie: string, body?: unknown): Promise<Response> {
  return request(path, { method, headers: { cookie, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) })
}

/** The host name resolves, retried until the deadline: a record created by this release may still be spreading. */
async function resolves(): Promise<void> {
  const host = new URL(base).hostname
  if (isIP(host) || host === 'localhost') return
  let last = ''
  while (Date.now() < deadline) {
    try {
      await lookup(host)
      return
    }
    catch (error) {
      last = (error as NodeJS.ErrnoException).code ?? String(error)
    }
    await new Promise(resolve => setTimeout(resolve, Math.min(5000, remaining())))
  }
  fail(`${host} did not resolve (last: ${last})`)
}

async function json<T>(response: Response, what: string): Promise<T> {
  const text = await response.text()
  try {
    return JSON.parse(text) as T
  }
  catch {
    return fail(`${what} answered ${response.status} with something that is not JSON: ${text.slice(0, 200)}`)
  }
}

/** Health, retried until the deadline: a fresh deployment may still be settling behind CloudFront. */
async function health(): Promise<void> {
  let last = ''
  while (Date.now() < deadline) {
    try {
      const response = await request('/api/health')
      const body = await json<{ status?: string }>(response, 'GET /api/health')
      if (response.status === 200 && body.status === 'ok') return
      last = `status ${response.status}, body ${JSON.stringify(body)}`
    }
    catch (error) {
      last = error instanceof StepError ? error.message : String((error as Error).cause ?? error)
    }
    await new Promise(resolve => setTimeout(resolve, Math.min(2000, remaining())))
  }
  fail(`GET /api/health never answered 200 {"status":"ok"} (last: ${last})`)
}

/** Signs up a guest; returns the Cookie header that carries its session. */
async function guest(): Promise<{ cookie: string, username: string }> {
  const response = await request('/api/auth/guest', { method: 'POST' })
  const body = await json<{ user?: { username?: string } }>(response, 'POST /api/auth/guest')
  if (response.status !== 201 || !body.user?.username) fail(`POST /api/auth/guest answered ${response.status}: ${JSON.stringify(body)}`)
  return { cookie: sessionCookie(response, 'POST /api/auth/guest'), username: body.user.username }
}

function sessionCookie(response: Response, what: string): string {
  const cookie = response.headers.getSetCookie().map(c => c.split(';')[0]!).join('; ')
  if (!cookie) fail(`${what} set no session cookie`)
  return cookie
}

/** Signs the smoke account in; the very first run registers it. */
async function signIn(): Promise<string> {
  const credentials = { username: accountName, password }
  const login = await send('POST', '/api/auth/login', '', credentials)
  if (login.status === 200) return sessionCookie(login, 'POST /api/auth/login')
  const register = await send('POST', '/api/auth/register', '', credentials)
  if (register.status === 201) return sessionCookie(register, 'POST /api/auth/register')
  fail(`sign-in answered ${login.status} and registration ${register.status}: ${(await register.text()).slice(0, 200)}`)
}

/** The smoke account's own private room, created on first use. */
async function privateRoom(cookie: string): Promise<void> {
  const found = await send('GET', `/api/rooms/${room}`, cookie)
  if (found.status === 200) return
  const created = await send('POST', '/api/rooms', cookie, { id: room, name: 'Smoke test', visibility: 'private' })
  if (created.status !== 201) fail(`GET /api/rooms/${room} answered ${found.status}, creating it ${created.status}: ${(await created.text()).slice(0, 200)}`)
}

async function cleanUp(cookie: string, sent: WireMessage): Promise<void> {
  const deleted = await send('DELETE', `/api/rooms/${room}/messages/${encodeURIComponent(sent.message)}`, cookie)
  if (deleted.status !== 200) fail(`deleting message ${sent.message} answered ${deleted.status}`)
  const out = await send('POST', '/api/auth/logout', cookie)
  if (out.status !== 200) fail(`signing out answered ${out.status}`)
}

/** A websocket-only Socket.io connection signed in by the cookie; resolves once the server has greeted it. */
async function connect(cookie: string): Promise<ChatSocket> {
  const socket: ChatSocket = io(base, { transports: ['websocket'], extraHeaders: { 'cookie': cookie, 'user-agent': USER_AGENT }, reconnection: false, forceNew: true, timeout: remaining() })
  sockets.push(socket)
  await new Promise<void>((resolve, reject) => {
    socket.once('login', () => resolve())
    socket.once('connect_error', error => reject(new StepError(`websocket connection failed: ${error.message}`)))
  })
  return socket
}

async function roundTrip(sender: ChatSocket, reader: ChatSocket): Promise<WireMessage> {
  const text = `smoke test ${randomBytes(6).toString('hex')}`
  const relayed = new Promise<WireMessage>((resolve) => {
    reader.on('new message', (message) => {
      if (message.content.text === text) resolve(message)
    })
  })
  const sent = await new Promise<WireMessage>((resolve, reject) => {
    sender.emit('new message', { room, message: text }, (err, message) => err || !message ? reject(new StepError(`sending was refused: ${err}`)) : resolve(message))
  })
  const received = await relayed
  if (received.message !== sent.message) fail(`the other client received id ${received.message}, the sender was acknowledged ${sent.message}`)
  return sent
}

async function history(cookie: string, sent: WireMessage): Promise<void> {
  const response = await request(`/api/rooms/${encodeURIComponent(room)}/messages`, { headers: { cookie } })
  const page = await json<MessagePage>(response, `GET /api/rooms/${room}/messages`)
  if (response.status !== 200) fail(`GET /api/rooms/${room}/messages answered ${response.status}: ${JSON.stringify(page)}`)
  if (!page.messages?.some(m => m.id === sent.message)) fail(`the room's history does not hold message ${sent.message}`)
}

async function step<T>(name: string, run: () => Promise<T>): Promise<T> {
  const start = Date.now()
  try {
    const result = await run()
    console.log(`ok   ${name} (${Date.now() - start} ms)`)
    return result
  }
  catch (error) {
    throw new StepError(`${name}: ${error instanceof Error ? error.message : String(error)}`)
  }
}

const overall = setTimeout(() => {
  console.error(`smoke test FAILED against ${base}: not finished within ${values.timeout} s`)
  process.exit(1)
}, timeoutMs)

let signedIn = ''
try {
  await step(`${new URL(base).hostname} resolves`, resolves)
  await step('health', health)
  if (values.account) {
    signedIn = await step(`the smoke account ${accountName} signs in`, signIn)
    await step(`its private room #${room} is there`, () => privateRoom(signedIn))
    const [sender, reader] = await step('two tabs connect over websockets', () => Promise.all([connect(signedIn), connect(signedIn)]))
    const sent = await step(`a message in #${room} reaches the other tab`, () => roundTrip(sender, reader))
    await step(`#${room}'s history holds it`, () => history(signedIn, sent))
    await step('the message is deleted and the session ended', () => cleanUp(signedIn, sent))
    signedIn = ''
  }
  else {
    const [alice, bob] = await step('two guests sign up', () => Promise.all([guest(), guest()]))
    const [sender, reader] = await step('both connect over websockets', () => Promise.all([connect(alice.cookie), connect(bob.cookie)]))
    const sent = await step(`a message in #${room} reaches the other guest`, () => roundTrip(sender, reader))
    await step(`#${room}'s history holds it`, () => history(bob.cookie, sent))
  }
  console.log(`smoke test passed against ${base} in ${Date.now() - began} ms`)
  process.exitCode = 0
}
catch (error) {
  console.error(`smoke test FAILED against ${base}: ${error instanceof Error ? error.message : String(error)}`)
  process.exitCode = 1
}
finally {
  clearTimeout(overall)
  for (const socket of sockets) socket.disconnect()
  // A run that failed half-way still ends the smoke account's session.
  if (signedIn) await send('POST', '/api/auth/logout', signedIn).catch(() => undefined)
}
