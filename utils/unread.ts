import type { ChatMessage } from '#shared/types/chat'

/** What was unread when a room was opened: the messages after `after` up to `until` (both message ids). */
export interface UnreadSpan {
  after: string
  until: string
}

export interface FirstUnread {
  /** The message the "New messages" divider goes above; null while it is on an older page not loaded yet. */
  id: string | null
  /** Unread messages held (from others). */
  count: number
}

/**
 * Where the "New messages" divider goes in a room's held history (oldest first): above the first
 * message from someone else that came after the marker and by the time the room was opened.
 * Null when nothing held is unread. When every held message came after the marker and older
 * pages remain, the first unread is not known until they are loaded (`id: null`).
 */
export function firstUnread(messages: readonly ChatMessage[], span: UnreadSpan | undefined, me: string | undefined, hasOlder: boolean): FirstUnread | null {
  if (!span) return null
  const unread = messages.filter(m => m.id > span.after && m.id <= span.until && m.username !== me && !m.deleted)
  if (!unread.length) return null
  const known = !hasOlder || messages[0]!.id <= span.after
  return { id: known ? unread[0]!.id : null, count: unread.length }
}
