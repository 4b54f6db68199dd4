import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { Client } from '../support/http.ts'
import { startApp, startDatabase } from '../support/processes.ts'
import { startRedis } from '../support/redis.ts'
import { barrier, call, closeAll, connect, waitFor, type TestSocket } from '../support/sockets.ts'
import { account } from '../support/people.ts'

// Sessions end on the server, not only in the browser that signed out: two instances sharing
// Redis and one database, and a third instance alone (no Redis) for the single-server setup.
let db: Awaited<ReturnType<typeof startDatabase>>
let redis: Awaited<ReturnType<typeof startRedis>>
let a: Awaited<ReturnType<typeof startApp>>
let b: Awaited<ReturnType<typeof startApp>>
let alone: Awaited<ReturnType<typeof startApp>>

beforeAll(async () => {
  ;[db, redis] = await Promise.all([startDatabase(), startRedis()])
  ;[a, b, alone] = await Promise.all([
    startApp({ dynamodbEndpoint: db.endpoint, redisUrl: redis.url }),
    startApp({ dynamodbEndpoint: db.endpoint, redisUrl: redis.url }),
    startApp({ dynamodbEndpoint: db.endpoint }),
  ])
})
afterEach(() => closeAll())
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop(), alone?.stop()])
  redis?.stop()
  await db?.stop()
})

const PASSWORD = 'correct horse battery'
const register = (url: string) => account(url, { prefix: 'sess', password: PASSWORD })

async function signIn(url: string, username: string, password = PASSWORD): Promise<Client> {
  const client = new Client(url)
  expect((await client.post('/api/auth/login', { username, password })).status).toBe(200)
  return client
}

/** The same cookie header sent to any instance, as a thief replaying it would. */
async function statusWith(cookie: string, url: string, path = '/api/rooms'): Promise<number> {
  return (await fetch(`${url}${path}`, { headers: { cookie, accept: 'application/json' } })).status
}

async function signedInSocket(url: string, cookie: string): Promise<TestSocket> {
  const socket = await connect(url, { cookie, origin: url })
  await waitFor(socket, 'login')
  return socket
}

function closedByServer(socket: TestSocket): Promise<string> {
  return new Promise(resolve => socket.once('disconnect', reason => resolve(reason)))
}

async function canSend(socket: TestSocket): Promise<boolean> {
  const [err] = await call(socket, 'new message', { room: 'general', message: 'still signed in?' })
  return err === null
}

describe('signing out', () => {
  it('refuses a cookie captured before sign-out on every instance, and closes its sockets there', async () => {
    const { http: client } = await register(a.url)
    const captured = client.cookieHeader
    const onB = await signedInSocket(b.url, captured)
    expect(await statusWith(captured, b.url)).toBe(200)
    const closed = closedByServer(onB)

    expect((await client.post('/api/auth/logout')).status).toBe(200)

    expect(await closed).toBe('io server disconnect')
    expect(await statusWith(captured, a.url)).toBe(401)
    expect(await statusWith(captured, b.url)).toBe(401)
    expect((await (await fetch(`${b.url}/api/auth/me`, { headers: { cookie: captured } })).json()).user).toBeNull()
    // A new socket with the old cookie connects as nobody.
    const replayed = await connect(b.url, { cookie: captured, origin: b.url })
    expect(await canSend(replayed)).toBe(false)
  })

  it('ends a guest\'s session too', async () => {
    const guest = new Client(a.url)
    expect((await guest.post('/api/auth/guest')).status).toBe(201)
    const captured = guest.cookieHeader
    expect(await statusWith(captured, b.url)).toBe(200)
    await guest.post('/api/auth/logout')
    expect(await statusWith(captured, a.url)).toBe(401)
    expect(await statusWith(captured, b.url)).toBe(401)
  })

  it('ends the session a browser had when it signs in again (a guest who signs in)', async () => {
    const { username } = await register(a.url)
    const browser = new Client(a.url)
    await browser.post('/api/auth/guest')
    const guestCookie = browser.cookieHeader
    expect((await browser.post('/api/auth/login', { username, password: PASSWORD })).status).toBe(200)
    expect(browser.cookieHeader).not.toBe(guestCookie)
    expect(await statusWith(guestCookie, b.url)).toBe(401)
    expect(await statusWith(browser.cookieHeader, b.url)).toBe(200)
  })

  it('works the same on a single instance without Redis', async () => {
    const { http: client } = await register(alone.url)
    const captured = client.cookieHeader
    const socket = await signedInSocket(alone.url, captured)
    const closed = closedByServer(socket)
    await client.post('/api/auth/logout')
    expect(await closed).toBe('io server disconnect')
    expect(await statusWith(captured, alone.url)).toBe(401)
  })
})

describe('changing the password', () => {
  it('ends every other session on every instance, keeps this one, and only the new password signs in', async () => {
    const { http: here, username } = await register(a.url)
    const there = await signIn(b.url, username)
    const hereSocket = await signedInSocket(a.url, here.cookieHeader)
    const thereSocket = await signedInSocket(b.url, there.cookieHeader)
    // A client of the original protocol, signed in by socket event (no cookie, no session).
    const byEvent = await connect(b.url)
    expect((await call(byEvent, 'authenticate user', { username, password: PASSWORD }))[0]).toBeNull()
    const closed = [closedByServer(thereSocket), closedByServer(byEvent)]

    const changed = await here.post('/api/auth/password', { currentPassword: PASSWORD, newPassword: 'a new long password' })
    expect(changed.status).toBe(200)
    expect(changed.json).toEqual({ endedSessions: 1 })

    expect(await Promise.all(closed)).toEqual(['io server disconnect', 'io server disconnect'])
    expect(await statusWith(there.cookieHeader, a.url)).toBe(401)
    expect(await statusWith(there.cookieHeader, b.url)).toBe(401)
    expect(await statusWith(here.cookieHeader, a.url)).toBe(200)
    expect(await statusWith(here.cookieHeader, b.url)).toBe(200)
    await barrier(hereSocket)
    expect(hereSocket.connected).toBe(true)
    expect(await canSend(hereSocket)).toBe(true)

    expect((await new Client(b.url).post('/api/auth/login', { username, password: PASSWORD })).status).toBe(401)
    await signIn(b.url, username, 'a new long password')
  })

  it('needs the current password, a valid new one, and an account', async () => {
    const { http: client, username } = await register(a.url)
    const wrong = await client.post('/api/auth/password', { currentPassword: 'not the password', newPassword: 'a new long password' })
    expect(wrong.status).toBe(403)
    expect(wrong.json.message).toBe('Your current password is not right')
    const short = await client.post('/api/auth/password', { currentPassword: PASSWORD, newPassword: 'short' })
    expect(short.status).toBe(400)
    expect(short.json.message).toMatch(/at least 8/)
    await signIn(a.url, username)

    const guest = new Client(a.url)
    await guest.post('/api/auth/guest')
    expect((await guest.post('/api/auth/password', { currentPassword: PASSWORD, newPassword: 'a new long password' })).status).toBe(403)
    expect((await new Client(a.url).post('/api/auth/password', { currentPassword: PASSWORD, newPassword: 'a new long password' })).status).toBe(401)
  })
})

describe('signing out of all other sessions', () => {
  it('ends them on every instance and keeps this one', async () => {
    const { http: here, username } = await register(b.url)
    const others = [await signIn(a.url, username), await signIn(b.url, username)]
    const otherSockets = await Promise.all([signedInSocket(a.url, others[0]!.cookieHeader), signedInSocket(b.url, others[1]!.cookieHeader)])
    const hereSocket = await signedInSocket(a.url, here.cookieHeader)
    const closed = otherSockets.map(closedByServer)

    const ended = await here.request('/api/auth/sessions/others', { method: 'DELETE' })
    expect(ended.status).toBe(200)
    expect(ended.json).toEqual({ endedSessions: 2 })

    expect(await Promise.all(closed)).toEqual(['io server disconnect', 'io server disconnect'])
    for (const other of others) {
      expect(await statusWith(other.cookieHeader, a.url)).toBe(401)
      expect(await statusWith(other.cookieHeader, b.url)).toBe(401)
    }
    expect(await statusWith(here.cookieHeader, a.url)).toBe(200)
    await barrier(hereSocket)
    expect(await canSend(hereSocket)).toBe(true)
    // The password still works: new sessions can start.
    await signIn(a.url, username)
  })
})
