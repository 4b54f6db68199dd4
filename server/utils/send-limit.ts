import type { Redis } from 'ioredis'
import { runScript, whileConnected } from './redis.ts'

/**
 * Token bucket for sending messages: a burst, then a steady rate. Returns 0 when a token was
 * taken, else the milliseconds until one is available. Shared through Redis across instances.
 */
export type SendLimiter = (key: string) => Promise<number>

export function createMemorySendLimiter(burst: number, perSecond: number, now: () => number = Date.now): SendLimiter {
  const buckets = new Map<string, { tokens: number, at: number }>()
  setInterval(() => {
    const t = now()
    // A bucket that would be full again holds no information.
    for (const [key, b] of buckets) if (b.tokens + ((t - b.at) / 1000) * perSecond >= burst) buckets.delete(key)
  }, 60_000).unref()
  return async (key) => {
    const t = now()
    const bucket = buckets.get(key) ?? { tokens: burst, at: t }
    bucket.tokens = Math.min(burst, bucket.tokens + ((t - bucket.at) / 1000) * perSecond)
    bucket.at = t
    buckets.set(key, bucket)
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1
      return 0
    }
    return Math.ceil(((1 - bucket.tokens) / perSecond) * 1000)
  }
}

const TAKE = `
local state = redis.call('HMGET', KEYS[1], 't', 'a')
local burst, rate, now = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) / 1000 * rate)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = math.ceil((1 - tokens) / rate * 1000) end
redis.call('HSET', KEYS[1], 't', tostring(tokens), 'a', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return wait`

export function createRedisSendLimiter(redis: Redis, burst: number, perSecond: number): SendLimiter {
  const shared: SendLimiter = async key => Number(await runScript(redis, TAKE, [`fc:send:${key}`], [burst, perSecond, Date.now()]))
  return whileConnected(redis, shared, createMemorySendLimiter(burst, perSecond))
}
