import type { Redis } from 'ioredis'

/** How long a client id keeps pointing at its message: far longer than any client retries. */
const TTL_SECONDS = 24 * 3600
/** Bound on the in-process map (every claim of this instance, kept besides Redis). */
const LOCAL_MAX = 50_000

/**
 * Client-generated message ids (`clientId`), so that a retried send never stores twice. The first
 * send of a (user, clientId) claims the message id it is about to write; a retry gets that same
 * id back, and writing a message under its own id again overwrites it instead of adding one.
 * Shared through Redis across instances (SET NX). Each instance also keeps its own claims: those
 * made while Redis was away are shared once it is back (a page whose send was under way when the
 * outage ended reconnects, maybe to another instance, and sends again), and those Redis lost (a
 * restart without persistence) still catch retries that come back to this instance.
 */
export class ClientIds {
  readonly #redis: Redis | null
  readonly #local = new Map<string, { id: string, expires: number }>()
  /** Claimed while Redis was away, not in Redis yet. */
  readonly #unshared = new Set<string>()

  constructor(redis: Redis | null) {
    this.#redis = redis
    redis?.on('ready', () => {
      this.#share().catch(() => { /* down again: shared at the next 'ready' */ })
    })
  }

  /** The message id for this (user, clientId): `fresh` when it is the first send, else the first send's. */
  async claim(username: string, clientId: string, fresh: string): Promise<string> {
    const key = `${username}\n${clientId}`
    const known = this.#known(key)
    if (known) return known
    if (this.#redis?.status === 'ready') {
      try {
        const redisKey = redisKeyOf(key)
        const set = await this.#redis.set(redisKey, fresh, 'EX', TTL_SECONDS, 'NX')
        return this.#remember(key, set === 'OK' ? fresh : await this.#redis.get(redisKey) ?? fresh)
      }
      catch {
        // Redis went away mid-call: claimed here, shared once it is back.
      }
    }
    if (this.#redis) this.#unshared.add(key)
    return this.#remember(key, fresh)
  }

  #known(key: string): string | null {
    const known = this.#local.get(key)
    return known && known.expires > Date.now() ? known.id : null
  }

  #remember(key: string, id: string): string {
    // Another claim of the same send may have been remembered while this one waited on Redis.
    const known = this.#known(key)
    if (known) return known
    this.#local.set(key, { id, expires: Date.now() + TTL_SECONDS * 1000 })
    // Maps iterate in insertion order: the first entries are the oldest.
    while (this.#local.size > LOCAL_MAX) {
      const oldest = this.#local.keys().next().value!
      this.#local.delete(oldest)
      this.#unshared.delete(oldest)
    }
    return id
  }

  /** Puts the claims made while Redis was away into it (where another instance may have claimed first). */
  async #share(): Promise<void> {
    if (!this.#redis || !this.#unshared.size) return
    const keys = [...this.#unshared]
    const pipeline = this.#redis.pipeline()
    for (const key of keys) {
      const id = this.#known(key)
      if (id) pipeline.set(redisKeyOf(key), id, 'EX', TTL_SECONDS, 'NX')
    }
    await pipeline.exec()
    for (const key of keys) this.#unshared.delete(key)
  }
}

function redisKeyOf(key: string): string {
  const [username, clientId] = key.split('\n')
  return `fc:client-id:${username}:${clientId}`
}
