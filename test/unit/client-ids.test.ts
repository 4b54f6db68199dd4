import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { ClientIds } from '../../server/services/client-ids.ts'
import { startRedis, type RunningRedis } from '../support/redis.ts'

let redisServer: RunningRedis
const connections: Redis[] = []

beforeAll(async () => {
  redisServer = await startRedis()
})
afterAll(() => {
  for (const redis of connections) redis.disconnect()
  redisServer?.stop()
})

/** An instance's client ids on the shared Redis (which fails fast while it is away, as the app's does). */
function instance(): { ids: ClientIds, redis: Redis } {
  const redis = new Redis(redisServer.url, { maxRetriesPerRequest: 1, retryStrategy: () => 100 })
  redis.on('error', () => {})
  connections.push(redis)
  return { ids: new ClientIds(redis), redis }
}

describe('client ids', () => {
  it('give a send retried after a Redis outage the id its first attempt claimed during the outage, on either instance', async () => {
    const one = instance()
    const two = instance()
    await vi.waitFor(() => expect([one.redis.status, two.redis.status]).toEqual(['ready', 'ready']))
    expect(await one.ids.claim('ann', 'send-0', 'id-before')).toBe('id-before')
    redisServer.stop()
    await vi.waitFor(() => expect(one.redis.status).not.toBe('ready'))
    // Claimed while Redis is away: only this instance knows it.
    expect(await one.ids.claim('ann', 'send-1', 'id-first')).toBe('id-first')
    await redisServer.restart()
    // Back: the instance shares what it claimed meanwhile (pages reconnect half a second or more later).
    await vi.waitFor(async () => expect(await two.redis.get('fc:client-id:ann:send-1')).toBe('id-first'), { timeout: 10_000 })
    // The page sends again under the same client id, to this instance or the other.
    expect(await two.ids.claim('ann', 'send-1', 'id-retry-elsewhere')).toBe('id-first')
    expect(await one.ids.claim('ann', 'send-1', 'id-retry-here')).toBe('id-first')
    // Redis lost what was claimed before the outage (a restart without persistence): this instance still knows.
    expect(await one.ids.claim('ann', 'send-0', 'id-again')).toBe('id-before')
  })
})
