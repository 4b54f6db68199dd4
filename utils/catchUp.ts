/**
 * Catching up on a room without skipping anything: the logic the messages store runs in the
 * browser, and the Node clients of the integration tests and the chaos suite run too (they import
 * this file), so what they prove is what people run.
 *
 * Delivery is at most once, so a page holding a room's messages must read what it may have missed
 * from storage, by message id. Ids sort by time (`<13-digit ms>:<16 hex>`) but are taken when a send
 * is queued, before it is stored, and live messages keep arriving from some places while others
 * are cut off (during a Redis outage a page still gets its own instance's messages and its own
 * acknowledgements, not the other instances'). So the newest message held says nothing about what
 * came before it: a catch-up starts from a point recorded when deliveries may have stopped, a
 * margin before it, and merges by id.
 */

/**
 * How far before the point where deliveries may have stopped a catch-up starts. It covers messages
 * whose id was taken before newer ones were stored (a send waiting for its files or a retried write,
 * a retry stored under its first attempt's id after a reconnect) and the clocks of different instances.
 */
const CATCH_UP_MARGIN_MS = 30_000

/** The lowest message id of millisecond `ms`: a cursor before every message of that time. */
export function idAtTime(ms: number): string {
  return `${String(Math.max(0, Math.floor(ms))).padStart(13, '0')}:0000000000000000`
}

/** A room's messages as held by one page, and where its next catch-up must start at the latest. */
export interface HeldRoom<M extends { id: string }> {
  /** Held messages, sorted by id. */
  messages: M[]
  /** Set when deliveries may have stopped; cleared by a catch-up that read everything after it. */
  resumeAfter?: string
  /** How many times deliveries may have stopped: a catch-up that overlapped a stop keeps the point. */
  losses?: number
}

/**
 * The point before anything possibly missed, when deliveries stopped after the newest message held
 * (the connection dropped) or since `lostSince` (the server's time, when it lost relays), whichever
 * is earlier, less the margin. None when nothing is held and nothing was lost: read the latest page.
 */
function resumePoint(newestHeld: string | undefined, lostSince?: number): string | undefined {
  const time = Math.min(newestHeld ? Number(newestHeld.slice(0, 13)) : Infinity, lostSince ?? Infinity)
  return Number.isFinite(time) ? idAtTime(time - CATCH_UP_MARGIN_MS) : undefined
}

/** The earlier of two points. */
function earlierPoint(a: string | undefined, b: string | undefined): string | undefined {
  if (!a || !b) return a ?? b
  return a < b ? a : b
}

/** Deliveries to this room may have stopped: now (the connection dropped), or since `lostSince` (ms). */
export function noteLoss<M extends { id: string }>(room: HeldRoom<M>, lostSince?: number): void {
  room.resumeAfter = earlierPoint(room.resumeAfter, resumePoint(room.messages.at(-1)?.id, lostSince))
  room.losses = (room.losses ?? 0) + 1
}

/** Index of `id` in `messages` (sorted by id), or where it would go as `-(index + 1)`. */
export function indexById(messages: readonly { id: string }[], id: string): number {
  let lo = 0
  let hi = messages.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    const other = messages[mid]!.id
    if (other === id) return mid
    if (other < id) lo = mid + 1
    else hi = mid - 1
  }
  return -(lo + 1)
}

/** Adds a message in id order unless it is held already; false when it was. */
export function insertById<M extends { id: string }>(messages: M[], message: M): boolean {
  const index = indexById(messages, message.id)
  if (index >= 0) return false
  messages.splice(-(index + 1), 0, message)
  return true
}

export interface CatchUpOptions<M> {
  /** The newest message held at an earlier moment (null: none), when live ones may have come since. */
  from?: string | null
  /**
   * The oldest message held, when older ones exist that are not held: the margin may reach back
   * past it, and what is older belongs to the older pages the reader loads by scrolling up.
   */
  floor?: string
  /** Each message the catch-up added. */
  added?: (message: M) => void
}

/**
 * Reads every stored message after the room's resume point, or a margin before the newest held
 * (`from`), whichever is earlier, page by page, and merges them by id: nothing skipped, nothing
 * twice. False when there is nothing to start from (nothing held): the caller reads the latest page.
 */
export async function catchUpRoom<M extends { id: string }>(
  room: HeldRoom<M>,
  read: (after: string) => Promise<{ messages: M[], next: string | null }>,
  options: CatchUpOptions<M> = {},
): Promise<boolean> {
  const losses = room.losses ?? 0
  const newest = options.from === undefined ? room.messages.at(-1)?.id : options.from ?? undefined
  let cursor = earlierPoint(room.resumeAfter, resumePoint(newest))
  if (!cursor) return false
  while (cursor) {
    const page = await read(cursor)
    for (const message of page.messages) {
      if (options.floor && message.id < options.floor) continue
      if (insertById(room.messages, message)) options.added?.(message)
    }
    cursor = page.next ?? undefined
  }
  // Everything after the point is held now, unless deliveries stopped again while this ran.
  if ((room.losses ?? 0) === losses) delete room.resumeAfter
  return true
}
