import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import type { ChatMessage, PresenceChange, PresenceCount, RoomPresenceEvent, RoomViewers } from '#shared/types/chat'
import type { WireMessage, WireMessagePage } from '#shared/types/socket'
import { ChatClient } from '../../bench/lib/chat-client.ts'
import { startApp, waitUntil } from '../support/processes.ts'
import { startTwoInstances, type TwoInstances } from '../support/cluster.ts'
import { call, closeAll, collect, connect, signedInGuest, waitFor } from '../support/sockets.ts'

let cluster: TwoInstances
const env = { MESSAGE_BURST: '200', MESSAGES_PER_SECOND: '200' }

beforeAll(async () => {
  cluster = await startTwoInstances({ env })
})
afterEach(() => {
  closeAll()
  for (const client of clients.splice(0)) client.close()
})
afterAll(async () => cluster?.stop())

/** Someone on `url` whose page shows `room`, behaving as the browser's does (bench/lib/chat-client.ts). */
async function browserLikeGuest(url: string, room: string) {
  const client = await ChatClient.open({ url, rooms: [room], view: room })
  clients.push(client)
  return client
}
const clients: ChatClient[] = []

async function numUsers(url: string): Promise<number> {
  const socket = await connect(url)
  const { numUsers } = await waitFor<{ numUsers: number }>(socket, 'presence')
  socket.disconnect()
  return numUsers
}

describe('two instances sharing Redis', () => {
  it('store a send retried on the other instance with the same clientId once, and answer both with it (#12.8)', async () => {
    const http = await fetch(`${cluster.a.url}/api/auth/guest`, { method: 'POST', headers: { origin: cluster.a.url } })
    const cookie = http.headers.getSetCookie()[0]!.split(';')[0]!
    const onA = await connect(cluster.a.url, { cookie })
    const onB = await connect(cluster.b.url, { cookie })
    await Promise.all([waitFor(onA, 'login'), waitFor(onB, 'login')])
    const clientId = `retry-${Date.now().toString(36)}`
    const [err, first] = await call<WireMessage>(onA, 'new message', { room: 'fargate', message: 'sent twice', clientId })
    const [againErr, again] = await call<WireMessage>(onB, 'new message', { room: 'fargate', message: 'sent twice', clientId })
    expect([err, againErr]).toEqual([null, null])
    expect(again.message).toBe(first.message)
    expect(again.clientId).toBe(clientId)
    const [, page] = await call<WireMessagePage>(onB, 'catch up', { room: 'fargate', after: `${String(first.time - 1).padStart(13, '0')}:0000000000000000` })
    expect(page.messages.filter(m => m.content.text === 'sent twice')).toHaveLength(1)
  })

  it('report Redis in readiness', async () => {
    const ready = await (await fetch(`${cluster.a.url}/api/ready`)).json()
    expect(ready.checks).toEqual({ dynamodb: 'ok', redis: 'ok' })
  })

  it('relay messages, presence and typing between clients on different instances', async () => {
    const before = await numUsers(cluster.a.url)
    const alice = await signedInGuest(cluster.a.url)
    const aliceLogin = await waitFor<PresenceCount>(alice.socket, 'login')
    const joined = waitFor<PresenceChange>(alice.socket, 'user joined')
    const bob = await signedInGuest(cluster.b.url)
    expect(await joined).toMatchObject({ username: bob.username, numUsers: before + 2 })
    expect(await numUsers(cluster.b.url)).toBe(before + 2)
    // Counts are numbered by one clock for both instances, as lists are: a late one is recognised as older.
    expect((await joined).version).toBeGreaterThan(aliceLogin.version)

    const toBob = waitFor<WireMessage>(bob.socket, 'new message')
    const [err, sent] = await call<WireMessage>(alice.socket, 'new message', { room: 'general', message: 'across instances' })
    expect(err).toBeNull()
    expect(await toBob).toEqual(sent)
    const toAlice = waitFor<WireMessage>(alice.socket, 'new message')
    await call(bob.socket, 'new message', { room: 'general', message: 'and back' })
    expect((await toAlice).content.text).toBe('and back')

    const [, viewA] = await call<RoomViewers>(alice.socket, 'join room', 'general')
    const typing = waitFor<{ username: string }>(alice.socket, 'typing')
    bob.socket.emit('typing', 'general')
    expect((await typing).username).toBe(bob.username)

    // Lists leave an instance at most once a second per room: wait for the one with Bob in it.
    const lists = collect<RoomViewers>(alice.socket, 'room members')
    const [, viewB] = await call<RoomViewers>(bob.socket, 'join room', 'general')
    const withBob = () => lists.find(l => l.members.some(m => m.username === bob.username))
    await vi.waitFor(() => expect(withBob()?.members.map(m => m.username)).toEqual(expect.arrayContaining([alice.username, bob.username])), { timeout: 5000 })
    expect(viewA.members.map(m => m.username)).toContain(alice.username)
    // Lists are numbered by one clock for both instances: a list that arrives late (a join's
    // answer after a relayed change) is recognised as older.
    expect(withBob()!.version).toBeGreaterThanOrEqual(viewB.version)
    expect(viewB.version).toBeGreaterThan(viewA.version)
    lists.length = 0
    bob.socket.emit('leave room', 'general')
    await vi.waitFor(() => expect(lists.at(-1)?.members.map(m => m.username)).not.toContain(bob.username), { timeout: 5000 })
    expect(lists.at(-1)!.version).toBeGreaterThan(viewB.version)
  })

  it('tell the others when a killed instance\'s people drop out of presence, without a reload (#12.9)', async () => {
    const doomed = await startApp({ dynamodbEndpoint: cluster.db.endpoint, redisUrl: cluster.redis.url, env })
    try {
      const watcher = await signedInGuest(cluster.a.url)
      const ghost = await signedInGuest(doomed.url)
      await call(watcher.socket, 'join room', 'ecs')
      const joined = waitFor<{ members: { username: string }[] }>(watcher.socket, 'room members')
      await call(ghost.socket, 'join room', 'ecs')
      expect((await joined).members.map(m => m.username)).toContain(ghost.username)
      const withGhost = await numUsers(cluster.a.url)

      const members = collect<RoomPresenceEvent>(watcher.socket, 'room members')
      const counts = collect<{ numUsers: number }>(watcher.socket, 'presence')
      await doomed.stop('SIGKILL')
      // Presence entries live 15 s without their instance's heartbeat; the update comes by itself.
      await vi.waitFor(() => {
        expect(members.at(-1)).toEqual({ room: 'ecs', members: [expect.objectContaining({ username: watcher.username })], version: expect.any(Number) })
        expect(counts.at(-1)).toEqual({ numUsers: withGhost - 1, version: expect.any(Number) })
      }, { timeout: 30_000, interval: 200 })
    }
    finally {
      await doomed.stop('SIGKILL')
    }
  }, 60_000)

  it('share the sending limit across instances', async () => {
    const limited = await startApp({ dynamodbEndpoint: cluster.db.endpoint, redisUrl: cluster.redis.url, env: { MESSAGE_BURST: '4', MESSAGES_PER_SECOND: '1' } })
    const limitedTwin = await startApp({ dynamodbEndpoint: cluster.db.endpoint, redisUrl: cluster.redis.url, env: { MESSAGE_BURST: '4', MESSAGES_PER_SECOND: '1' } })
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
  it('show clients that stayed connected through a Redis restart every message acknowledged meanwhile on either instance, and relaying resumes', async () => {
    // One person on each instance, each sending throughout: during the outage each still gets its
    // own instance's messages live and its own acknowledgements, but not the other instance's.
    const alice = await browserLikeGuest(cluster.a.url, 'fargate')
    const bob = await browserLikeGuest(cluster.b.url, 'fargate')
    const acked: ChatMessage[] = []
    const send = async (sender: ChatClient, text: string) => {
      const message = await sender.send('fargate', text)
      if (message) acked.push(message)
      return message
    }
    const before = await send(alice, 'before the restart')
    await expect.poll(() => bob.arrivals.has(before!.id), { timeout: 10_000 }).toBe(true)

    const stoppedAt = Date.now()
    cluster.redis.stop()
    await waitUntil(async () => (await fetch(`${cluster.b.url}/api/ready`)).status === 503, 10_000, () => 'instance B did not notice Redis going away')
    expect(bob.socket.connected).toBe(true)
    // Chat goes on through a restart of a few seconds (long enough for ioredis to give up
    // queueing the adapter's publishes), as in the outage this reproduces.
    const sendingFrom = Date.now()
    for (let i = 0; Date.now() - sendingFrom < 3000; i++) await Promise.all([send(alice, `alice during the outage ${i}`), send(bob, `bob during the outage ${i}`)])
    expect(acked.length).toBeGreaterThan(10)
    await cluster.redis.restart()
    const restartedAt = Date.now()
    await waitUntil(async () => (await fetch(`${cluster.a.url}/api/ready`)).status === 200 && (await fetch(`${cluster.b.url}/api/ready`)).status === 200, 15_000)

    // Neither chose to disconnect: each was told since when relays were lost and made to reconnect,
    // and every message reaches both, live or by the catch-up that followed.
    for (const person of [alice, bob]) {
      // Told since when relays were lost, once both instances see Redis again (more than the default 5 s
      // on a loaded machine). An instance notices the outage by its first failed publish, which may be
      // one sent just before the stop or one sent well into the outage: any time in between is right,
      // as long as it is before the restart (the catch-up's margin covers the rest).
      await expect.poll(() => person.relaysLost.some(since => since >= stoppedAt - 5_000 && since < restartedAt), { timeout: 15_000 }).toBe(true)
      await expect.poll(() => acked.filter(m => !person.arrivals.has(m.id)).map(m => m.content.text), { timeout: 15_000 }).toEqual([])
      expect(person.logins).toBeGreaterThan(1)
    }

    // Relaying works again once both instances are reconnected.
    await expect.poll(async () => {
      const message = await send(alice, `after the restart ${Date.now()}`)
      return Boolean(message && await vi.waitFor(() => bob.arrivals.get(message.id) === 'live' || Promise.reject(new Error('not yet')), { timeout: 1000 }).catch(() => false))
    }, { timeout: 15_000 }).toBe(true)
  }, 60_000)

  it('lose no acknowledged message when an instance dies, and its users drop out of presence within 15 s', async () => {
    const doomed = await startApp({ dynamodbEndpoint: cluster.db.endpoint, redisUrl: cluster.redis.url, env })
    const survivor = await signedInGuest(cluster.a.url)
    const victims = await Promise.all(Array.from({ length: 3 }, () => signedInGuest(doomed.url)))
    for (const victim of victims) await call(victim.socket, 'join room', 'lambda')
    const viewers = async () => (await call<{ members: { username: string }[] }>(survivor.socket, 'join room', 'lambda'))[1].members.map(m => m.username)
    expect(await viewers()).toEqual(expect.arrayContaining(victims.map(v => v.username)))
    const countWithVictims = await numUsers(cluster.a.url)

    const acked: WireMessage[] = []
    let sending = true
    const senders = victims.map(async (victim, i) => {
      for (let n = 0; sending; n++) {
        const [err, message] = await call<WireMessage>(victim.socket, 'new message', { room: 'lambda', message: `victim ${i} #${n}` }).catch(() => ['lost', null] as const)
        if (!err && message) acked.push(message)
        else break
      }
    })
    await waitUntil(() => acked.length >= 20, 10_000, () => `only ${acked.length} messages acknowledged`)
    await doomed.stop('SIGKILL')
    sending = false
    await Promise.all(senders)
    expect(acked.length).toBeGreaterThan(0)

    let after = (await call<WireMessagePage>(survivor.socket, 'message list', { room: 'lambda' }))[1]
    const ids = new Set(after.messages.map(m => m.message))
    while (after.next) {
      after = (await call<WireMessagePage>(survivor.socket, 'message list', { room: 'lambda', message: after.next }))[1]
      for (const m of after.messages) ids.add(m.message)
    }
    for (const message of acked) expect(ids.has(message.message)).toBe(true)

    const started = Date.now()
    await waitUntil(async () => (await viewers()).length === 1, 20_000, () => 'dead instance\'s users still listed')
    expect(Date.now() - started).toBeLessThan(16_000)
    expect(await viewers()).toEqual([survivor.username])
    expect(await numUsers(cluster.a.url)).toBeLessThanOrEqual(countWithVictims - 3)
  }, 45_000)
})

describe('a Redis outage', () => {
  it('leaves each instance serving its own clients, is reported by /api/ready, and heals by itself', async () => {
    const alice = await signedInGuest(cluster.a.url)
    const bob = await signedInGuest(cluster.a.url)
    cluster.redis.stop()
    await waitUntil(async () => (await fetch(`${cluster.a.url}/api/ready`)).status === 503, 10_000, () => 'readiness did not notice Redis going away')
    const ready = await (await fetch(`${cluster.a.url}/api/ready`)).json()
    expect(ready.checks.redis).toBe('failed')
    expect(ready.checks.dynamodb).toBe('ok')

    const toBob = waitFor<WireMessage>(bob.socket, 'new message')
    const [err, sent] = await call<WireMessage>(alice.socket, 'new message', { room: 'general', message: 'while Redis is down' })
    expect(err).toBeNull()
    expect(await toBob).toEqual(sent)
    const late = await signedInGuest(cluster.a.url)
    expect((await call(late.socket, 'join room', 'general'))[0]).toBeNull()

    await cluster.redis.restart()
    await waitUntil(async () => (await fetch(`${cluster.a.url}/api/ready`)).status === 200 && (await fetch(`${cluster.b.url}/api/ready`)).status === 200, 15_000, () => 'did not reconnect to Redis')
    // Clients of the outage were made to reconnect (to catch up): a browser-like one sends now.
    const sender = await browserLikeGuest(cluster.a.url, 'general')
    const carol = await browserLikeGuest(cluster.b.url, 'general')
    await expect.poll(async () => {
      const message = await sender.send('general', `relayed again ${Date.now()}`)
      return Boolean(message && await vi.waitFor(() => carol.arrivals.get(message.id) === 'live' || Promise.reject(new Error('not yet')), { timeout: 1000 }).catch(() => false))
    }, { timeout: 15_000 }).toBe(true)
  }, 45_000)
})

describe('a single instance without Redis', () => {
  it('chats on its own with in-process state', async () => {
    const solo = await startApp({ dynamodbEndpoint: cluster.db.endpoint })
    try {
      const ready = await (await fetch(`${solo.url}/api/ready`)).json()
      expect(ready.checks).toEqual({ dynamodb: 'ok' })
      const alice = await signedInGuest(solo.url)
      const bob = await signedInGuest(solo.url)
      const inbox = collect<WireMessage>(bob.socket, 'new message')
      await call(alice.socket, 'new message', { room: 'general', message: 'solo' })
      await waitUntil(() => inbox.length === 1)
    }
    finally {
      await solo.stop()
    }
  })
})
