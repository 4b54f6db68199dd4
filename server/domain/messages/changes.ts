import type { ChatMessage } from '#shared/types/chat'
import { putChange, queryChanges } from '../../storage/message-changes-table.ts'
import { getMessages, newMessageId } from './messages.ts'

/**
 * Each room's change feed: one row per edit, deletion or reaction (`room` + `change`, a time-sorted
 * id like a message id), naming the message that changed. A reconnecting client asks for the rows
 * after the time it was last in sync and gets those messages as they are *now*, so the rows need
 * no order among themselves and applying one twice is harmless: that is why a row names the
 * message instead of carrying what changed.
 */

/** Rows expire after this (DynamoDB TTL); a client away longer reloads the room's history anyway. */
const KEEP_SECONDS = 7 * 24 * 3600
/**
 * Change ids come from each instance's clock: a catch-up looks this far before `since`, so a
 * change stamped by a slightly slower clock (or still being written) is not missed.
 */
const CLOCK_SKEW_MS = 30_000
/** Change rows read per page. */
const PAGE = 100

/** Notes that `message` changed. Written before the change itself: a row for a change that then fails only re-sends a message. */
export async function recordChange(room: string, message: string): Promise<void> {
  const { id: change, time } = newMessageId()
  await putChange({ room, change, message, expiresAt: Math.floor(time / 1000) + KEEP_SECONDS })
}

export interface ChangePage {
  messages: ChatMessage[]
  /** Pass as the next catch-up's `since` once every page is read. */
  until: number
  /** More rows follow: ask again with this as `after`. */
  next: string | null
}

/** Messages of `room` changed since `since` (ms), as they are now; `after` continues a page. */
export async function changesSince(room: string, since: number, after?: string): Promise<ChangePage> {
  const until = Date.now()
  const cursor = after ?? `${String(Math.max(0, since - CLOCK_SKEW_MS)).padStart(13, '0')}:`
  const { rows, more } = await queryChanges(room, cursor, PAGE)
  const messages = await getMessages(room, [...new Set(rows.map(row => row.message))])
  return { messages, until, next: more && rows.length ? rows.at(-1)!.change : null }
}
