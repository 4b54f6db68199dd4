import { LRUCache, type Perf } from 'lru-cache'
import type { ChatMessage, LatestMessage as Previewed } from '#shared/types/chat'
import { latestOf as previewOf } from '#shared/utils/preview'
import { latestMessage } from './messages.ts'

/** What the sidebar needs of a room's newest message: its id (unread counts), time, author and words. */
export interface LatestMessage extends Previewed {
  time: number
}

function latestOf(message: ChatMessage): LatestMessage {
  return { ...previewOf(message), time: message.time }
}

interface Entry { latest: LatestMessage | null }

export interface LatestMessagesOptions {
  /** Reads a room's newest message from storage. */
  read: (room: string) => Promise<ChatMessage | null>
  /** Safety net: an entry is read again after this long (messages written on other instances). */
  ttlMs?: number
  /** Rooms held at most; the least recently used go first. */
  max?: number
  /** Where expiry reads the time (tests). */
  clock?: Perf
}

/**
 * Each room's newest message, per instance, so listing rooms costs no read per room: kept
 * current by this instance's own writes (`note`), read from storage at most once per room per
 * `ttlMs` however many requests ask at once (concurrent misses share one read).
 */
export class LatestMessages {
  readonly #read: LatestMessagesOptions['read']
  readonly #cache: LRUCache<string, Entry>
  readonly #pending = new Map<string, Promise<LatestMessage | null>>()

  constructor(options: LatestMessagesOptions) {
    this.#read = options.read
    this.#cache = new LRUCache<string, Entry>({ max: options.max ?? 10_000, ttl: options.ttlMs ?? 10_000, perf: options.clock })
  }

  /** A message this instance stored: it is the room's newest unless a newer one is known. */
  note(message: ChatMessage): void {
    this.#keepNewer(message.room, latestOf(message))
  }

  /** A message edited or deleted (here, or on a peer that said so): if it is the room's newest held, its preview follows. */
  changed(message: ChatMessage): void {
    const held = this.#cache.get(message.room)
    if (held?.latest?.id === message.id) this.#cache.set(message.room, { latest: latestOf(message) })
  }

  async get(rooms: string[]): Promise<Record<string, LatestMessage | null>> {
    const found = await Promise.all(rooms.map(room => this.#one(room)))
    return Object.fromEntries(rooms.map((room, i) => [room, found[i]!]))
  }

  #one(room: string): Promise<LatestMessage | null> {
    const cached = this.#cache.get(room)
    if (cached) return Promise.resolve(cached.latest)
    let pending = this.#pending.get(room)
    if (!pending) {
      pending = this.#read(room)
        .then(message => this.#keepNewer(room, message ? latestOf(message) : null))
        .finally(() => this.#pending.delete(room))
      this.#pending.set(room, pending)
    }
    return pending
  }

  /** Stores `latest` unless the cache already holds a newer message (a write noted mid-read). */
  #keepNewer(room: string, latest: LatestMessage | null): LatestMessage | null {
    const held = this.#cache.get(room)?.latest
    if (held && (!latest || held.id > latest.id)) return held
    this.#cache.set(room, { latest })
    return latest
  }
}

let instance: LatestMessages | undefined

/** This instance's newest messages by room (the sidebar's previews and unread checks). */
export function useLatestMessages(): LatestMessages {
  instance ??= new LatestMessages({ read: latestMessage })
  return instance
}
