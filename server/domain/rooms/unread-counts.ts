import { LRUCache } from 'lru-cache'
import { countUnread, type ReadMarkers } from './read-markers.ts'

/** Counts the messages after `marker` in the room, from storage. */
type CountUnread = (room: string, marker: string) => Promise<number>

/** Safety net: a count is made again after this long (a deletion on another instance not heard of). */
const TTL_MS = 10_000

/**
 * Unread counts per instance. The messages between a reader's marker and a room's newest message
 * change only when one of them is deleted, so a count is kept under (room, marker, newest
 * message) and made again when the room moves on or the reader reads. A deletion on this instance
 * forgets the room's counts at once, on the others too (they are told), and an expiry of 10 s
 * is the safety net, as for the newest messages themselves (latest-messages.ts). A sidebar of 20
 * rooms with 7 behind made 7 Queries per listing (each page render); now none once counted.
 */
export class UnreadCounts {
  /** Concurrent misses of one key share one count (lru-cache's fetch). */
  readonly #cache: LRUCache<string, number, { room: string, marker: string }>
  /** Bumped by a deletion in the room: its earlier counts are no longer looked up. */
  readonly #generations = new Map<string, number>()

  constructor(count: CountUnread) {
    this.#cache = new LRUCache({ max: 50_000, ttl: TTL_MS, fetchMethod: (_key, _stale, { context }) => count(context.room, context.marker) })
  }

  /** For each room whose newest message is past the reader's marker, how many messages are unread; the others are left out (0). */
  async get(markers: ReadMarkers, latest: Record<string, { id: string } | null>): Promise<Record<string, number>> {
    const behind = Object.keys(latest).filter((room) => {
      const marker = markers[room]
      const newest = latest[room]?.id
      return marker !== undefined && newest !== undefined && newest > marker
    })
    const counts = await Promise.all(behind.map((room) => {
      const marker = markers[room]!
      const key = `${room}\n${this.#generations.get(room) ?? 0}\n${marker}\n${latest[room]!.id}`
      return this.#cache.forceFetch(key, { context: { room, marker } })
    }))
    return Object.fromEntries(behind.map((room, i) => [room, counts[i]!]))
  }

  /** A message of the room was deleted (here, or on a peer that said so). */
  forgetRoom(room: string): void {
    this.#generations.set(room, (this.#generations.get(room) ?? 0) + 1)
  }
}

let instance: UnreadCounts | undefined

/** This instance's unread counts by room, marker and newest message (the sidebar's badges). */
export function useUnreadCounts(): UnreadCounts {
  instance ??= new UnreadCounts(countUnread)
  return instance
}
