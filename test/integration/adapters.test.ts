import { execFileSync } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RoomSummary } from '#shared/types/chat'
import type { WireMessage } from '#shared/types/socket'
import { startTwoInstances, type TwoInstances } from '../support/cluster.ts'
import { account, socketOf, uniqueName } from '../support/people.ts'
import { startApp, waitUntil } from '../support/processes.ts'
import { call, closeAll, waitFor } from '../support/sockets.ts'

/**
 * Instances relay through Redis with either adapter (REDIS_ADAPTER): the sharded one (Redis 7
 * sharded pub/sub, a channel per room) by default, the classic one for Redis without it. What the
 * app builds on the adapter must work the same on both: room broadcasts, subscriptions moved through
 * the adapter, server-side events with acknowledgements, and recovery from a Redis restart.
 */
describe.each(['sharded', 'classic'] as const)('instances relaying through the %s adapter', (adapter) => {
  let cluster: TwoInstances
  beforeAll(async () => {
    cluster = await startTwoInstances({ env: { REDIS_ADAPTER: adapter, ROOMS_PER_HOUR: '100' } })
  })
  afterAll(async () => {
    closeAll()
    await cluster?.stop()
  })

  const redisCli = (...command: string[]) => execFileSync('redis-cli', ['-p', String(cluster.redis.port), ...command], { encoding: 'utf8' })
  /** The adapter's subscriber connections, as Redis lists them. */
  const subscribers = () => redisCli('CLIENT', 'LIST').split('\n').filter(line => line.includes('name=fargate-chat-subscribe'))

  it('relay a room\'s messages, invitations and sign-outs between instances', async () => {
    const [ann, bob] = await Promise.all([account(cluster.a.url), account(cluster.b.url)])
    const [annSocket, bobSocket] = await Promise.all([socketOf(ann), socketOf(bob)])
    const created = await ann.http.post('/api/rooms', { name: `Relay ${uniqueName()}`, visibility: 'private' })
    const room = created.json.room.id

    // An invitation made on A subscribes Bob's tab on B through the adapter.
    const added = waitFor<RoomSummary>(bobSocket, 'room added')
    expect((await ann.http.post(`/api/rooms/${room}/members`, { username: bob.username })).status).toBe(200)
    expect(await added).toMatchObject({ id: room })

    const heard = waitFor<WireMessage>(bobSocket, 'new message')
    expect((await call(annSocket, 'new message', { room, message: 'across the adapter' }))[0]).toBeNull()
    expect((await heard).content.text).toBe('across the adapter')

    // Ann signs out on A: her tab on B closes too (a server-side event, acknowledged by every instance).
    const annOnB = await socketOf(ann, cluster.b.url)
    const closed = new Promise(resolve => annOnB.once('disconnect', resolve))
    expect((await ann.http.post('/api/auth/logout')).status).toBeLessThan(300)
    await closed
  })

  it('subscribe only the instances that have members in a room to its traffic', async () => {
    const third = await startApp({ dynamodbEndpoint: cluster.db.endpoint, redisUrl: cluster.redis.url, env: { REDIS_ADAPTER: adapter } })
    try {
      const owner = await account(cluster.a.url)
      const created = await owner.http.post('/api/rooms', { name: `Quiet ${uniqueName()}` })
      const room = created.json.room.id
      const ownerSocket = await socketOf(owner)
      await call(ownerSocket, 'join room', room)
      if (adapter === 'sharded') {
        // One subscriber to the room's own channel (instance A's), no pattern subscription anywhere.
        await expect.poll(() => redisCli('PUBSUB', 'SHARDNUMSUB', `fc:socket.io#/#${room}#`).trim().split('\n')[1]).toBe('1')
        expect(subscribers().map(line => /\bpsub=(\d+)/.exec(line)?.[1])).toEqual(['0', '0', '0'])
      }
      else {
        // Every instance reads every room's traffic through its pattern subscription.
        expect(subscribers().map(line => /\bpsub=(\d+)/.exec(line)?.[1])).toEqual(['1', '1', '1'])
      }
    }
    finally {
      await third.stop()
    }
  })

  it('relay again after Redis restarts, once the instance has made its clients reconnect', async () => {
    const [ann, bob] = await Promise.all([account(cluster.a.url), account(cluster.b.url)])
    const bobSocket = await socketOf(bob)
    cluster.redis.stop()
    await waitUntil(async () => (await fetch(`${cluster.b.url}/api/ready`)).status === 503, 10_000, () => 'instance B did not notice Redis going away')
    // Once Redis is back, B closes its clients' transports: a browser's socket reconnects by itself.
    bobSocket.io.reconnection(true)
    const reconnected = new Promise(resolve => bobSocket.io.once('reconnect', resolve))
    await cluster.redis.restart()
    await reconnected
    const annSocket = await socketOf(ann)
    await expect.poll(async () => {
      const heard = waitFor<WireMessage>(bobSocket, 'new message', 1000).catch(() => null)
      await call(annSocket, 'new message', { room: 'general', message: 'after the restart' })
      return (await heard)?.content.text
    }, { timeout: 15_000 }).toBe('after the restart')
  }, 45_000)
})
