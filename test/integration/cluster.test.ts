import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { ChatMessage, MessagePage } from '#shared/types/chat'
import { startApp, startDatabase, waitUntil } from '../support/processes.ts'
import { startRedis } from '../support/redis.ts'
import { call, closeAll, collect, connect, signedInGuest, waitFor } from '../support/sockets.ts'

let db: Awaited<ReturnType<typeof startDatabase>>
let redis: Awaited<ReturnType<typeof startRedis>>
let a: Awaited<ReturnType<typeof startApp>>
let b: Awaited<ReturnType<typeof startApp>>
const env = { MESSAGE_BURST: '200', MESSAGES_PER_SECOND: '200' }

beforeAll(async () => {
  ;[db, redis] = await Promise.all([startDatabase(), startRedis()])
  ;[a, b] = await Promise.all([
    startApp({ dynamodbEndpoint: db.endpoint, redisUrl: redis.url, env }),
    startApp({ dynamodbEndpoint: db.endpoint, redisUrl: redis.url, env }),
  ])
})
afterEach(() => closeAll())
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()])
  redis?.stop()
  await db?.stop()
})

async function numUsers(url: string): Promise<number> {
  const socket = await connect(url)
  const { numUsers } = await waitFor<{ numUsers: number }>(socket, 'presence')
  socket.disconnect()
  return numUsers
}

describe('two instances sharing Redis', () => {
  it('store a send retried on the other instance with the same clientId once, and answer both with it (#12.8)', async () => {
    const http = await fetch(`${a.url}/api/auth/guest`, { method: 'POST', headers: { origin: a.url } })
    const cookie = http.headers.getSetCookie()[0]!.split(';')[0]!
    const onA = await connect(a.url, { cookie })
    const onB = await connect(b.url, { cookie })
    await Promise.all([waitFor(onA, 'login'), waitFor(onB, 'login')])
    const clientId = `retry-${Date.now().toString(36)}`
    const [err, first] = await call<ChatMessage>(onA, 'new message', { room: 'fargate', message: 'sent twice', clientId })
    const [againErr, again] = await call<ChatMessage>(onB, 'new message', { room: 'fargate', message: 'sent twice', clientId })
    expect([err, againErr]).toEqual([null, null])
    expect(again.message).toBe(first.message)
    expect(again.clientId).toBe(clientId)
    const [, page] = await call<MessagePage>(onB, 'catch up', { room: 'fargate', after: `${String(first.time - 1).padStart(13, '0')}:0000000000000000` })
    expect(page.messages.filter(m => m.content.text === 'sent twice')).toHaveLength(1)
  })

  it('report Redis in readiness', async () => {
    const ready = await (await fetch(`${a.url}/api/ready`)).json()
    expect(ready.checks).toEqual({ dynamodb: 'ok', redis: 'ok' })
  })

  it('relay messages, presence and typing between clients on different instances', async () => {
    const before = await numUsers(a.url)
    const alice = await signedInGuest(a.url)
    const joined = waitFor<{ username: string, numUsers: number }>(alice.socket, 'user joined')
    const bob = await signedInGuest(b.url)
    expect(await joined).toMatchObject({ username: bob.username, numUsers: before + 2 })
    expect(await numUsers(b.url)).toBe(before + 2)

    const toBob = waitFor<ChatMessage>(bob.socket, 'new message')
    const [err, sent] = await call<ChatMessage>(alice.socket, 'new message', { room: 'general', message: 'across instances' })
    expect(err).toBeNull()
    expect(await toBob).toEqual(sent)
    const toAlice = waitFor<ChatMessage>(alice.socket, 'new message')
    await call(bob.socket, 'new message', { room: 'general', message: 'and back' })
    expect((await toAlice).content.text).toBe('and back')

    const typing = waitFor<{ username: string }>(alice.socket, 'typing')
    bob.socket.emit('typing', 'general')
    expect((await typing).username).toBe(bob.username)

    const [, viewA] = await call<{ members: { username: string }[] }>(alice.socket, 'join room', 'general')
    const update = waitFor<{ members: { username: string }[] }>(alice.socket, 'room members')
    await call(bob.socket, 'join room', 'general')
    expect((await update).members.map(m => m.username)).toEqual(expect.arrayContaining([alice.username, bob.username]))
    expect(viewA.members.map(m => m.username)).toContain(alice.username)
  })

  it('share the sending limit across instances', async () => {
    const limited = await startApp({ dynamodbEndpoint: db.endpoint, redisUrl: redis.url, env: { MESSAGE_BURST: '4', MESSAGES_PER_SECOND: '1' } })
    const limitedTwin = await startApp({ dynamodbEndpoint: db.endpoint, redisUrl: redis.url, env: { MESSAGE_BURST: '4', MESSAGES_PER_SECOND: '1' } })
    try {
      const http = await fetch(`${limited.url}/api/auth/guest`, { method: 'POST', headers: { origin: limited.url } })
      const cookie = http.headers.getSetCookie()[0]!.split(';')[0]!
      const one = await connect(limited.url, { cookie })
      const two = await connect(limitedTwin.url, { cookie })
      await waitFor(one, 'login')
      await waitFor(two, 'login')
      const results = []
      for (let i = 0; i < 3; i++) {
        results.push((await call(one, 'new message', { room: 'ecs', message: `one ${i}` }))[0])
        results.push((await call(two, 'new message', { room: 'ecs', message: `two ${i}` }))[0])
      }
      expect(results.filter(r => r === null)).toHaveLength(4)
      expect(results.filter(r => r && /too fast/.test(r))).toHaveLength(2)
    }
    finally {
      await Promise.all([limited.stop(), limitedTwin.stop()])
    }
  })
})

describe('faults', () => {
  it('keep every acknowledged message through a Redis restart, and relaying resumes', async () => {
    const alice = await signedInGuest(a.url)
    const bob = await signedInGuest(b.url)
    const acked: ChatMessage[] = []
    const send = async (text: string) => {
      const [err, message] = await call<ChatMessage>(alice.socket, 'new message', { room: 'fargate', message: text })
      if (!err) acked.push(message)
    }
    await send('before restart')
    const restarting = redis.restart()
    for (let i = 0; i < 5; i++) await send(`during restart ${i}`)
    await restarting
    await waitUntil(async () => (await fetch(`${a.url}/api/ready`)).status === 200 && (await fetch(`${b.url}/api/ready`)).status === 200, 15_000)
    // Relaying works again once both instances are reconnected.
    await waitUntil(async () => {
      const seen = waitFor<ChatMessage>(bob.socket, 'new message', 1000).catch(() => null)
      await send(`after restart ${Date.now()}`)
      return Boolean(await seen)
    }, 15_000, () => 'relay did not resume after Redis came back')

    // Bob catches up by id and finds every acknowledged message.
    const [, page] = await call<MessagePage>(bob.socket, 'catch up', { room: 'fargate', after: acked[0]!.message })
    const stored = new Set([acked[0]!.message, ...page.messages.map(m => m.message)])
    for (const message of acked) expect(stored.has(message.message)).toBe(true)
  })

  it('lose no acknowledged message when an instance dies, and its users drop out of presence within 15 s', async () => {
    const doomed = await startApp({ dynamodbEndpoint: db.endpoint, redisUrl: redis.url, env })
    const survivor = await signedInGuest(a.url)
    const victims = await Promise.all(Array.from({ length: 3 }, () => signedInGuest(doomed.url)))
    for (const victim of victims) await call(victim.socket, 'join room', 'lambda')
    const viewers = async () => (await call<{ members: { username: string }[] }>(survivor.socket, 'join room', 'lambda'))[1].members.map(m => m.username)
    expect(await viewers()).toEqual(expect.arrayContaining(victims.map(v => v.username)))
    const countWithVictims = await numUsers(a.url)

    const acked: ChatMessage[] = []
    let sending = true
    const senders = victims.map(async (victim, i) => {
      for (let n = 0; sending; n++) {
        const [err, message] = await call<ChatMessage>(victim.socket, 'new message', { room: 'lambda', message: `victim ${i} #${n}` }).catch(() => ['lost', null] as const)
        if (!err && message) acked.push(message)
        else break
      }
    })
    await waitUntil(() => acked.length >= 20, 10_000, () => `only ${acked.length} messages acknowledged`)
    await doomed.stop('SIGKILL')
    sending = false
    await Promise.all(senders)
    expect(acked.length).toBeGreaterThan(0)

    let after = (await call<MessagePage>(survivor.socket, 'message list', { room: 'lambda' }))[1]
    const ids = new Set(after.messages.map(m => m.message))
    while (after.next) {
      after = (await call<MessagePage>(survivor.socket, 'message list', { room: 'lambda', message: after.next }))[1]
      for (const m of after.messages) ids.add(m.message)
    }
    for (const message of acked) expect(ids.has(message.message)).toBe(true)

    const started = Date.now()
    await waitUntil(async () => (await viewers()).length === 1, 20_000, () => 'dead instance\'s users still listed')
    expect(Date.now() - started).toBeLessThan(16_000)
    expect(await viewers()).toEqual([survivor.username])
    expect(await numUsers(a.url)).toBeLessThanOrEqual(countWithVictims - 3)
  }, 45_000)
})

describe('a Redis outage', () => {
  it('leaves each instance serving its own clients, is reported by /api/ready, and heals by itself', async () => {
    const alice = await signedInGuest(a.url)
    const bob = await signedInGuest(a.url)
    redis.stop()
    await waitUntil(async () => (await fetch(`${a.url}/api/ready`)).status === 503, 10_000, () => 'readiness did not notice Redis going away')
    const ready = await (await fetch(`${a.url}/api/ready`)).json()
    expect(ready.checks.redis).toBe('failed')
    expect(ready.checks.dynamodb).toBe('ok')

    const toBob = waitFor<ChatMessage>(bob.socket, 'new message')
    const [err, sent] = await call<ChatMessage>(alice.socket, 'new message', { room: 'general', message: 'while Redis is down' })
    expect(err).toBeNull()
    expect(await toBob).toEqual(sent)
    const late = await signedInGuest(a.url)
    expect((await call(late.socket, 'join room', 'general'))[0]).toBeNull()

    await redis.restart()
    await waitUntil(async () => (await fetch(`${a.url}/api/ready`)).status === 200 && (await fetch(`${b.url}/api/ready`)).status === 200, 15_000, () => 'did not reconnect to Redis')
    const carol = await signedInGuest(b.url)
    await waitUntil(async () => {
      const seen = waitFor<ChatMessage>(carol.socket, 'new message', 1000).catch(() => null)
      await call(alice.socket, 'new message', { room: 'general', message: `relayed again ${Date.now()}` })
      return Boolean(await seen)
    }, 15_000, () => 'relay did not resume')
  }, 45_000)
})

describe('a single instance without Redis', () => {
  it('chats on its own with in-process state', async () => {
    const solo = await startApp({ dynamodbEndpoint: db.endpoint })
    try {
      const ready = await (await fetch(`${solo.url}/api/ready`)).json()
      expect(ready.checks).toEqual({ dynamodb: 'ok' })
      const alice = await signedInGuest(solo.url)
      const bob = await signedInGuest(solo.url)
      const inbox = collect<ChatMessage>(bob.socket, 'new message')
      await call(alice.socket, 'new message', { room: 'general', message: 'solo' })
      await waitUntil(() => inbox.length === 1)
    }
    finally {
      await solo.stop()
    }
  })
})
