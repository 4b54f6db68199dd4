import { randomBytes } from 'node:crypto'
import { LRUCache } from 'lru-cache'
import { getServerConfig } from '../../core/config.ts'
import { deleteSessionItem, deleteSessionItems, getSessionItem, putSession, sessionIdsOf, type SessionItem } from '../../storage/sessions-table.ts'

/** What the cache knows of a session id: whose active session it is, or that it is over. */
type Known = { username: string } | { revoked: true }
const REVOKED: Known = { revoked: true }

export interface SessionStoreOptions {
  /** How long a session lasts from sign-in (the cookie's own lifetime). */
  maxAgeSeconds: number
  /** How long an instance trusts what it learnt about a session without asking the table again. */
  cacheMs?: number
  /** Sessions remembered per instance; the least recently used are forgotten first. */
  cacheMax?: number
  /** The clock (tests move it instead of waiting). */
  now?: () => number
}

/**
 * Server-side sessions, so that signing out ends a session everywhere: the sealed cookie carries
 * a session id, and a request or socket handshake counts as signed in only while that id is in
 * the Sessions table. Each instance caches answers for a few seconds (bounded), so a page load
 * costs at most one read; revoking marks the ids revoked in the local cache at once, and other
 * instances are told through `forget` (socket.io.ts relays it through the Redis adapter).
 */
export class SessionStore {
  readonly #maxAgeSeconds: number
  readonly #now: () => number
  readonly #cache: LRUCache<string, Known>

  constructor(options: SessionStoreOptions) {
    this.#maxAgeSeconds = options.maxAgeSeconds
    this.#now = options.now ?? Date.now
    const now = this.#now
    this.#cache = new LRUCache<string, Known>({
      max: options.cacheMax ?? 10_000,
      ttl: options.cacheMs ?? 5_000,
      perf: { now },
      // Read the clock on every check instead of lru-cache's 1 ms cached reading: cheap, and exact.
      ttlResolution: 0,
      // Concurrent checks of one id share one read; a revocation arriving meanwhile (a `set`)
      // aborts that read, so a stale "active" can never overwrite "revoked".
      fetchMethod: async id => await this.#read(id) ?? REVOKED,
    })
  }

  /** Records a new session for `username` and returns its id (128 random bits). */
  async create(username: string): Promise<string> {
    const createdAt = this.#now()
    const record: SessionItem = {
      id: randomBytes(16).toString('base64url'),
      username,
      createdAt,
      expiresAt: Math.ceil(createdAt / 1000) + this.#maxAgeSeconds,
    }
    await putSession(record)
    this.#cache.set(record.id, { username })
    return record.id
  }

  /** Whether `id` is an active session of `username` (cached for a few seconds). */
  async isActive(id: string, username: string): Promise<boolean> {
    let known: Known | undefined
    try {
      known = await this.#cache.fetch(id)
    }
    catch (error) {
      // Aborted by a revocation while reading: the cache now holds the answer.
      known = this.#cache.get(id)
      if (!known) throw error
    }
    return Boolean(known && 'username' in known && known.username === username)
  }

  /** Ends one session. */
  async revoke(id: string): Promise<void> {
    this.forget([id])
    await deleteSessionItem(id)
  }

  /** Ends every session of `username` except `keep`; returns the ids ended. */
  async revokeOthers(username: string, keep: string | null): Promise<string[]> {
    const ids = (await sessionIdsOf(username)).filter(id => id !== keep)
    this.forget(ids)
    await deleteSessionItems(ids)
    return ids
  }

  /** Marks sessions revoked in this instance's cache (they were ended here or on another instance). */
  forget(ids: readonly string[]): void {
    for (const id of ids) this.#cache.set(id, REVOKED)
  }

  async #read(id: string): Promise<Known | null> {
    const record = await getSessionItem(id)
    // DynamoDB's TTL deletes expired rows only eventually (and dynalite never): past its expiry a row counts as gone.
    if (!record || record.expiresAt * 1000 <= this.#now()) return null
    return { username: record.username }
  }
}

let instance: SessionStore | undefined

/** This instance's session store (its cache of who is signed in). */
export function useSessions(): SessionStore {
  instance ??= new SessionStore({ maxAgeSeconds: getServerConfig().sessionMaxAgeSeconds })
  return instance
}
