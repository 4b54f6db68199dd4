// `npm run smoke -- --url <base URL> [--timeout 60] [--room general]`: a black-box check of a running
// Fargate Chat, as a user sees it. Health, two guests signing up, a message sent by one over a
// websocket and relayed to the other, and the room's history holding it. Exits 0 when all of it
// works, 1 with the failing step named otherwise, always within the timeout. The release pipeline
// runs it against the public URL after each deployment; `npm test` runs it against the local build.
import { randomBytes } from 'node:crypto'
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
  },
})

class StepError extends Error {}

function fail(message: string): never {
  throw new StepError(message)
}

if (!values.url || !/^https?:\/\//.test(values.url)) {
  console.error('usage: npm run smoke -- --url <http(s)://host[:port]> [--timeout <seconds>] [--room <room id>]')
  process.exit(2)
}
const base = values.url.replace(/\/+$/, '')
const timeoutMs = Number(values.timeout) * 1000
const room = values.room
const began = Date.now()
const deadline = began + timeoutMs
const remaining = () => Math.max(deadline - Date.now(), 1)
const sockets: ChatSocket[] = []

/** A fetch that gives up at the overall deadline. */
async function request(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${base}${path}`, { ...init, redirect: 'manual', signal: AbortSignal.timeout(remaining()) })
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
  const response = await request('/api/auth/guest', { method: 'POST', headers: { accept: 'application/json' } })
  const body = await json<{ user?: { username?: string } }>(response, 'POST /api/auth/guest')
  if (response.status !== 201 || !body.user?.username) fail(`POST /api/auth/guest answered ${response.status}: ${JSON.stringify(body)}`)
  const cookie = response.headers.getSetCookie().map(c => c.split(';')[0]!).join('; ')
  if (!cookie) fail('POST /api/auth/guest set no session cookie')
  return { cookie, username: body.user.username }
}

/** A websocket-only Socket.io connection signed in by the cookie; resolves once the server has greeted it. */
async function connect(cookie: string): Promise<ChatSocket> {
  const socket: ChatSocket = io(base, { transports: ['websocket'], extraHeaders: { cookie }, reconnection: false, forceNew: true, timeout: remaining() })
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
  const response = await request(`/api/rooms/${encodeURIComponent(room)}/messages`, { headers: { cookie, accept: 'application/json' } })
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

try {
  await step('health', health)
  const [alice, bob] = await step('two guests sign up', () => Promise.all([guest(), guest()]))
  const [sender, reader] = await step('both connect over websockets', () => Promise.all([connect(alice.cookie), connect(bob.cookie)]))
  const sent = await step(`a message in #${room} reaches the other guest`, () => roundTrip(sender, reader))
  await step(`#${room}'s history holds it`, () => history(bob.cookie, sent))
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
}
