import { request } from 'node:http'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import type { WireMessage } from '#shared/types/socket'
import { Client } from '../support/http.ts'
import { startApp, startDatabase } from '../support/processes.ts'
import { barrier, call, closeAll, collect, connect, signedInGuest, waitFor } from '../support/sockets.ts'

// Defects found by hostile testing (issue #12), each reproduced here against the production build.
let db: Awaited<ReturnType<typeof startDatabase>>
let app: Awaited<ReturnType<typeof startApp>>

beforeAll(async () => {
  db = await startDatabase()
  app = await startApp({ dynamodbEndpoint: db.endpoint, env: { LOGIN_FAILURES_PER_USER_ADDRESS: '5', LOGIN_FAILURES_PER_USER: '10', LOGIN_FAILURES_PER_ADDRESS: '1000', REGISTRATIONS_PER_HOUR: '1000' } })
})

afterEach(() => closeAll())

afterAll(async () => {
  await app?.stop()
  await db?.stop()
})

let counter = 0
const unique = (prefix = 'user') => `${prefix}${Date.now().toString(36)}${counter++}`

async function registered(name = unique()) {
  const client = new Client(app.url)
  expect((await client.post('/api/auth/register', { username: name, password: 'Correct-Horse-9' })).status).toBe(201)
  return client
}

/** A raw HTTP request, for headers fetch() will not send (a bad Host). */
function rawGet(path: string, headers: Record<string, string>): Promise<{ status: number, body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${app.url}${path}`, { headers }, (res) => {
      let body = ''
      res.on('data', (chunk: Buffer) => { body += chunk.toString() })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('sign-in limits under concurrency (#12.1)', () => {
  it('checks no more passwords than the limit allows when 60 attempts arrive at once, and refuses the right one among them', async () => {
    const name = unique('victim')
    await registered(name)
    const attempts = await Promise.all(Array.from({ length: 60 }, (_, i) =>
      new Client(app.url).post('/api/auth/login', { username: name, password: i === 59 ? 'Correct-Horse-9' : `wrong-guess-${i}` })))
    const statuses = attempts.map(a => a.status)
    expect(statuses.filter(s => s !== 429)).toHaveLength(5)
    expect(statuses[59]).toBe(429)
    expect(attempts.find(a => a.status === 429)!.json.message).toMatch(/^Too many sign-in attempts\. Try again in \d+ (minutes?|seconds?)\.$/)
  })
})

describe('internal Socket.io rooms (#12.4)', () => {
  it('keeps a room named like an internal room to its own members', async () => {
    const creator = await registered()
    const created = await creator.post('/api/rooms', { id: 'signed-in', name: 'Signed in' })
    expect([201, 409]).toContain(created.status)
    const member = await connect(app.url, { cookie: creator.cookieHeader })
    await waitFor(member, 'login')
    expect((await call(member, 'join room', 'signed-in'))[0]).toBeNull()
    const outsider = await signedInGuest(app.url)
    const inbox = collect<WireMessage>(outsider.socket, 'new message')
    expect((await call(member, 'new message', { room: 'signed-in', message: 'members only' }))[0]).toBeNull()
    await barrier(outsider.socket)
    expect(inbox).toEqual([])
  })
})

describe('one identity per socket (#12.9)', () => {
  it('accepts only one of several sign-ins sent at once, and leaves nobody online after the socket closes', async () => {
    const before = await onlineCount()
    const socket = await connect(app.url)
    // Each sign-up waits on the database before attaching its identity, so all five overlap.
    const results = await Promise.all(Array.from({ length: 5 }, () => call<{ username: string }>(socket, 'create user', { username: unique('ghost'), password: 'Correct-Horse-9' })))
    expect(results.filter(([err]) => err === null)).toHaveLength(1)
    expect(results.filter(([err]) => err === 'User already has a logged in identity')).toHaveLength(4)
    socket.disconnect()
    await vi.waitFor(async () => expect(await onlineCount()).toBe(before), { timeout: 5000 })
  })
})

/** The number of people online, as a fresh connection is told. */
async function onlineCount(): Promise<number> {
  const probe = await connect(app.url)
  const { numUsers } = await waitFor<{ numUsers: number }>(probe, 'presence')
  probe.disconnect()
  return numUsers
}

describe('bad requests are 400s, never 500s (#12.10)', () => {
  it('answers an invalid Host header with 400', async () => {
    for (const path of ['/api/health', '/login', '/api/rooms']) {
      const response = await rawGet(path, { host: 'bad host:99999' })
      expect(response.status, path).toBe(400)
    }
  })

  // As typed in the address bar: the query string is decoded once by the app.
  it.each(['/%5Cevil.com', '/%09/evil.com', '/%5C%5Cevil.com', '//evil.com', 'https://evil.com', '/%2F%2Fevil.com', '/%0D%0Aevil'])('sends a signed-in visitor of /login?redirect=%s somewhere safe on this site', async (target) => {
    const client = await registered()
    const response = await client.get(`/login?redirect=${target}`)
    expect(response.status).toBeLessThan(500)
    if (response.status >= 300 && response.status < 400) {
      const location = response.headers.get('location')!
      expect(new URL(location, app.url).origin).toBe(app.url)
    }
  })
})

describe('guests (#12.12)', () => {
  it('get names with 80 random bits, keeping the anonymous_ prefix', async () => {
    const { json } = await new Client(app.url).post('/api/auth/guest')
    expect(json.user.username).toMatch(/^anonymous_[0-9a-f]{20}$/)
    const [, identity] = await call<{ username: string }>(await connect(app.url), 'anonymous user')
    expect(identity.username).toMatch(/^anonymous_[0-9a-f]{20}$/)
  })
})

describe('accounts and guests per address (#12.12, #12.14)', () => {
  let limited: Awaited<ReturnType<typeof startApp>>
  beforeAll(async () => {
    limited = await startApp({ dynamodbEndpoint: db.endpoint, env: { REGISTRATIONS_PER_HOUR: '3', GUESTS_PER_HOUR: '3' } })
  })
  afterAll(async () => {
    await limited?.stop()
  })

  it('limits registrations from one address, with the wait in words', async () => {
    const statuses = []
    for (let i = 0; i < 4; i++) statuses.push(await new Client(limited.url).post('/api/auth/register', { username: unique('many'), password: 'Correct-Horse-9' }))
    expect(statuses.map(r => r.status)).toEqual([201, 201, 201, 429])
    expect(statuses[3]!.json.message).toMatch(/^Too many new accounts from your network\. Try again in (\d+ minutes|1 hour)\.$/)
    expect((await call(await connect(limited.url), 'create user', { username: unique('sock'), password: 'Correct-Horse-9' }))[0]).toMatch(/Too many new accounts/)
  })

  it('limits guests from one address, over HTTP and over the socket alike', async () => {
    const results = []
    for (let i = 0; i < 3; i++) results.push((await new Client(limited.url).post('/api/auth/guest')).status)
    expect(results).toEqual([201, 201, 201])
    expect((await new Client(limited.url).post('/api/auth/guest')).status).toBe(429)
    expect((await call(await connect(limited.url), 'anonymous user'))[0]).toMatch(/Too many guests/)
  })
})

describe('cross-site requests (#12.13)', () => {
  it('refuses Origin: null without Fetch Metadata on state-changing routes', async () => {
    const response = await new Client(app.url).post('/api/auth/guest', undefined, { origin: 'null' })
    expect(response.status).toBe(403)
  })

  it('refuses form-encoded bodies, which a cross-site form could send', async () => {
    const response = await new Client(app.url).request('/api/auth/login', { rawBody: 'username=a&password=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } })
    expect(response.status).toBe(415)
  })
})

describe('room names (#12.15)', () => {
  it.each([
    [{ name: 'zero\u200Bwidth' }],
    [{ name: 'bidi \u202Eoverride' }],
    [{ name: 'nul\u0000byte' }],
    [{ name: 'Fine', topic: 'sneaky \u2066isolate' }],
    [{ id: '-', name: 'Dash' }],
    [{ id: '--', name: 'Dashes' }],
    [{ id: '-lead', name: 'Leading dash' }],
  ])('refuses %j', async (body) => {
    const client = await registered()
    const response = await client.post('/api/rooms', body)
    expect(response.status).toBe(400)
  })
})

describe('retried sends (#12.8)', () => {
  it('store a message sent twice with the same clientId once, answering both sends with it', async () => {
    const { socket } = await signedInGuest(app.url)
    const clientId = `c${Date.now().toString(36)}abc`
    const sends = await Promise.all([1, 2, 3].map(() => call<WireMessage>(socket, 'new message', { room: 'lambda', message: 'only once', clientId })))
    expect(sends.map(([err]) => err)).toEqual([null, null, null])
    expect(new Set(sends.map(([, m]) => m.message)).size).toBe(1)
    const history = await call<{ messages: WireMessage[] }>(socket, 'message list', { room: 'lambda' })
    expect(history[1].messages.filter(m => m.clientId === clientId)).toHaveLength(1)
  })

  it('refuses a malformed clientId with a clear error', async () => {
    const { socket } = await signedInGuest(app.url)
    expect((await call(socket, 'new message', { room: 'lambda', message: 'x', clientId: 'no spaces allowed' }))[0]).toMatch(/clientId/)
  })
})

describe('presence announcements (#12.16)', () => {
  it('tells the joining socket about its own arrival, as the original protocol does', async () => {
    const socket = await connect(app.url)
    const joined = waitFor<{ username: string }>(socket, 'user joined')
    const [, identity] = await call<{ username: string }>(socket, 'anonymous user')
    expect((await joined).username).toBe(identity.username)
  })
})

describe('a room\'s write ceiling (#28.3)', () => {
  let limited: Awaited<ReturnType<typeof startApp>>
  beforeAll(async () => {
    // Five write units a second per room: five short messages, or one of 2,000 three-byte characters (6 KB, counted as the whole second).
    limited = await startApp({ dynamodbEndpoint: db.endpoint, env: { ROOM_WRITE_UNITS_PER_SECOND: '5', MESSAGE_BURST: '1000', MESSAGES_PER_SECOND: '1000' } })
  })
  afterAll(async () => {
    await limited?.stop()
  })

  it('refuses sends past a room\'s write units a second with the wait in words, counting long messages by their size, and leaves other rooms alone', async () => {
    const sender = await signedInGuest(limited.url)
    const answers = []
    for (let i = 0; i < 6; i++) answers.push((await call(sender.socket, 'new message', { room: 'fargate', message: `short ${i}` }))[0])
    expect(answers.slice(0, 5)).toEqual([null, null, null, null, null])
    expect(answers[5]).toMatch(/^#fargate is taking more messages than it can store right now\. Try again in 1 second\.$/)
    expect((await call(sender.socket, 'new message', { room: 'lambda', message: 'another room' }))[0]).toBeNull()
    // A long message takes its size (at most a whole second's): after one short message, 6 KB no longer fits.
    expect((await call(sender.socket, 'new message', { room: 'ecs', message: 'first' }))[0]).toBeNull()
    expect((await call(sender.socket, 'new message', { room: 'ecs', message: '漢'.repeat(2000) }))[0]).toMatch(/#ecs is taking more messages/)
  })
})
