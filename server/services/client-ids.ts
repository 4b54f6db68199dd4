import type { Redis } from 'ioredis'

/** How long a client id keeps pointing at its message: far longer than any client retries. */
const TTL_SECONDS = 24 * 3600
/** Bound on the in-process map (used without Redis, or while it is down). */
const LOCAL_MAX = 50_000

/**
 * Client-generated message ids (`clientId`), so that a retried send never stores twice. The first
 * send of a (user, clientId) claims the message id it is about to write; a retry gets that same
 * id back, and writing a message under its own id again overwrites it instead of adding one.
 * Shared through Redis across instances (SET NX); in process without it.
 */
export class ClientIds {
  readonly #redis: Redis | null
  readonly #local = new Map<string, { id: string, expires: number }>()

  constructor(redis: Redis | null) {
    this.#redis = redis
  }

  /** The message id for this (user, clientId): `fresh` when it is the first send, else the first send's. */
  async claim(username: string, clientId: string, fresh: string): Promise<string> {
    const key = `${username}\n${clientId}`
    if (this.#redis?.status === 'ready') {
      try {
        const redisKey = `fc:client-id:${username}:${clientId}`
        const set = await this.#redis.set(redisKey, fresh, 'EX', TTL_SECONDS, 'NX')
        if (set === 'OK') return fresh
        return await this.#redis.get(redisKey) ?? fresh
      }
      catch {
        // Redis went away mid-call: this instance's own memory still catches most retries.
      }
    }
    return this.#claimLocally(key, fresh)
  }

  #claimLocally(key: string, fresh: string): string {
    const now = Date.now()
    const known = this.#local.get(key)
    if (known && known.expires > now) return known.id
    this.#local.set(key, { id: fresh, expires: now + TTL_SECONDS * 1000 })
    // Maps iterate in insertion order: the first entries are the oldest.
    while (this.#local.size > LOCAL_MAX) this.#local.delete(this.#local.keys().next().value!)
    return fresh
  }
}
