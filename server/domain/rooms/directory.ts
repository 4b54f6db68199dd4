import { LRUCache, type Perf } from 'lru-cache'
import type { DirectoryPage, Room } from '#shared/types/chat'
import { deleteDirectoryEntry, putDirectoryEntry, queryDirectory } from '../../storage/room-directory-table.ts'

/** Lists a public room in the directory, or updates its listing (idempotent). */
export function addToDirectory(room: Room): Promise<void> {
  return putDirectoryEntry(room)
}

/** A deleted room leaves the directory. */
export function removeFromDirectory(id: string): Promise<void> {
  return deleteDirectoryEntry(id)
}

/** One page of public rooms by id, after `after` (a room id); one Query, never a Scan. */
export function readDirectoryPage(options: { after?: string, limit: number }): Promise<DirectoryPage> {
  return queryDirectory(options)
}

/**
 * Directory pages, per instance. A new room anywhere invalidates them (`invalidate`, called here
 * and, through the Socket.io adapter, on every other instance); a short expiry covers a missed
 * invalidation (say, during a Redis outage). Concurrent misses of one page share one Query.
 */
export class DirectoryCache {
  readonly #read: typeof readDirectoryPage
  readonly #cache: LRUCache<string, DirectoryPage>
  readonly #pending = new Map<string, Promise<DirectoryPage>>()
  /** Bumped by `invalidate`: reads started before it are not kept. */
  #generation = 0

  constructor(read: typeof readDirectoryPage = readDirectoryPage, options: { ttlMs?: number, max?: number, clock?: Perf } = {}) {
    this.#read = read
    this.#cache = new LRUCache<string, DirectoryPage>({ max: options.max ?? 200, ttl: options.ttlMs ?? 30_000, perf: options.clock })
  }

  page(options: { after?: string, limit: number }): Promise<DirectoryPage> {
    const key = `${this.#generation}|${options.after ?? ''}|${options.limit}`
    const cached = this.#cache.get(key)
    if (cached) return Promise.resolve(cached)
    let pending = this.#pending.get(key)
    if (!pending) {
      pending = this.#read(options)
        .then((page) => {
          if (key.startsWith(`${this.#generation}|`)) this.#cache.set(key, page)
          return page
        })
        .finally(() => this.#pending.delete(key))
      this.#pending.set(key, pending)
    }
    return pending
  }

  invalidate(): void {
    this.#generation++
    this.#cache.clear()
  }
}

let instance: DirectoryCache | undefined

/** This instance's pages of the room directory, kept until a room is created anywhere. */
export function useRoomDirectory(): DirectoryCache {
  instance ??= new DirectoryCache()
  return instance
}
