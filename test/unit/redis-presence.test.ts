import { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { Presence } from '../../server/services/presence.ts'
import { createRedisPresenceStore } from '../../server/services/redis-presence-store.ts'
import { startRedis, type RunningRedis } from '../support/redis.ts'

let redisServer: RunningRedis
const open: { presence: Presence, redis: Redis }[] = []
let counter = 0
const unique = (prefix: string) => `${prefix}${Date.now().toString(36)}${counter++}`

beforeAll(async () => {
  redisServer = await startRedis()
})
afterEach(async () => {
  vi.useRealTimers()
  for (const { presence, redis } of open.splice(0)) {
    await presence.close()
    redis.disconnect()
  }
})
afterAll(() => redisServer?.stop())

/** One instance's presence on the shared Redis; its heartbeat's timer is faked when timers are. */
async function instance() {
  const redis = new Redis(redisServer.url)
  await new Promise(resolve => redis.once('ready', resolve))
  const changed: (string | null)[] = []
  const presence = new Presence((local, expired) => createRedisPresenceStore(redis, local, expired))
  presence.on('changed', room => changed.push(room))
  open.push({ presence, redis })
  return { presence, changed }
}

const member = (username: string) => ({ username, avatar: `/a/${username}.svg` })

describe('presence shared through Redis', () => {
  it('announces a viewer whose own instance\'s heartbeat ran while their join was on its way to Redis', async () => {
    vi.useFakeTimers({ toFake: ['setInterval'] })
    const room = unique('room')
    const one = await instance()
    const two = await instance()
    const ann = await one.presence.view(room, member('ann'))
    // Bob's join has left for Redis when instance two's heartbeat fires (every 5 s, whenever).
    const joining = two.presence.view(room, member('bob'))
    vi.advanceTimersByTime(5_000)
    const bob = await joining
    // Someone must tell the room that Bob is there: his join, or the heartbeat that added him.
    await vi.waitFor(() => expect(bob.changed || two.changed.includes(room)).toBe(true))
    expect(bob.members.map(m => m.username)).toEqual(['ann', 'bob'])
    expect(bob.version).toBeGreaterThan(ann.version)
  })

  it('tells the room when the heartbeat puts back viewers that Redis lost (a restart without persistence)', async () => {
    vi.useFakeTimers({ toFake: ['setInterval'] })
    const room = unique('room')
    const one = await instance()
    const before = await one.presence.view(room, member('carol'))
    await redisServer.restart()
    const redis = open[0]!.redis
    await vi.waitFor(() => expect(redis.status).toBe('ready'), { timeout: 10_000 })
    expect((await one.presence.viewers(room)).members).toEqual([])
    vi.advanceTimersByTime(5_000)
    await vi.waitFor(() => expect(one.changed).toContain(room), { timeout: 5_000 })
    const after = await one.presence.viewers(room)
    expect(after.members.map(m => m.username)).toEqual(['carol'])
    expect(after.version).toBeGreaterThan(before.version)
  })
})
