import type { Redis } from 'ioredis'
import { whileConnected } from './redis.ts'

/**
 * Fixed-window counters for abuse limits (failed sign-ins). In memory per instance by default;
 * with Redis configured the realtime layer swaps in a shared store so limits hold across instances.
 */
export interface CounterStore {
  /** Current count of `key` and milliseconds until its window resets (0 when absent). */
  get: (key: string) => Promise<{ count: number, resetInMs: number }>
  /** Adds one to `key`, starting a window of `windowMs` if none is open. */
  increment: (key: string, windowMs: number) => Promise<number>
  delete: (key: string) => Promise<void>
}

export function createMemoryCounterStore(now: () => number = Date.now): CounterStore {
  const counters = new Map<string, { count: number, resetAt: number }>()
  const live = (key: string) => {
    const entry = counters.get(key)
    if (entry && entry.resetAt <= now()) {
      counters.delete(key)
      return undefined
    }
    return entry
  }
  // Expired windows are dropped lazily and by a periodic sweep, so the map cannot grow without bound.
  setInterval(() => {
    const t = now()
    for (const [key, entry] of counters) if (entry.resetAt <= t) counters.delete(key)
  }, 60_000).unref()
  return {
    async get(key) {
      const entry = live(key)
      return entry ? { count: entry.count, resetInMs: entry.resetAt - now() } : { count: 0, resetInMs: 0 }
    },
    async increment(key, windowMs) {
      const entry = live(key)
      if (entry) return ++entry.count
      counters.set(key, { count: 1, resetAt: now() + windowMs })
      return 1
    },
    async delete(key) {
      counters.delete(key)
    },
  }
}

export function createRedisCounterStore(redis: Redis): CounterStore {
  const k = (key: string) => `fc:limit:${key}`
  const local = createMemoryCounterStore()
  const shared: CounterStore = {
    async get(key) {
      const [[, count], [, ttl]] = await redis.multi().get(k(key)).pttl(k(key)).exec() as [[null, string | null], [null, number]]
      return { count: Number(count ?? 0), resetInMs: Math.max(0, ttl) }
    },
    async increment(key, windowMs) {
      const [[, count]] = await redis.multi().incr(k(key)).pexpire(k(key), windowMs, 'NX').exec() as [[null, number]]
      return count
    },
    async delete(key) {
      await redis.del(k(key))
    },
  }
  return {
    get: whileConnected(redis, shared.get, local.get),
    increment: whileConnected(redis, shared.increment, local.increment),
    delete: whileConnected(redis, shared.delete, local.delete),
  }
}

let store: CounterStore = createMemoryCounterStore()

export function setCounterStore(next: CounterStore): void {
  store = next
}

export interface LimitRule {
  key: string
  limit: number
}

/** Seconds until every rule is under its limit again, or 0 when none is exceeded. */
export async function retryAfterSeconds(rules: LimitRule[]): Promise<number> {
  let wait = 0
  for (const rule of rules) {
    const { count, resetInMs } = await store.get(rule.key)
    if (count >= rule.limit) wait = Math.max(wait, Math.ceil(resetInMs / 1000))
  }
  return wait
}

export async function recordFailure(rules: LimitRule[], windowSeconds: number): Promise<void> {
  await Promise.all(rules.map(rule => store.increment(rule.key, windowSeconds * 1000)))
}

export async function clearCounter(key: string): Promise<void> {
  await store.delete(key)
}
