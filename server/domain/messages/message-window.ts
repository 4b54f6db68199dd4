import type { MessageWindow } from '#shared/types/chat'
import { NotFoundError } from '../../core/errors.ts'
import { getMessage, queryMessages, withoutDeletedQuotes } from './messages.ts'

/**
 * A link to a message opens on it: the message with up to `limit - 1` others, half older and
 * half newer, oldest first. Three key reads (the message, a page back, a page forward), run
 * together; a message that is not in the room is a 404 the page turns into a notice.
 */
export async function messagesAround(room: string, id: string, limit: number): Promise<MessageWindow> {
  const olderCount = Math.floor((limit - 1) / 2)
  const newerCount = limit - 1 - olderCount
  const [message, older, newer] = await Promise.all([
    getMessage(room, id),
    olderCount ? queryMessages(room, { before: id, limit: olderCount }) : null,
    newerCount ? queryMessages(room, { after: id, limit: newerCount }) : null,
  ])
  if (!message) throw new NotFoundError(`There is no message ${id} in #${room}: it may have been deleted, or the link is wrong`)
  // A reply only in its thread is not in the room's stream: the link opens on its parent, with
  // the thread (the page opens its panel at the reply).
  if (message.thread && !message.alsoToRoom) return { ...await messagesAround(room, message.thread, limit), thread: message.thread }
  return {
    // Quotes of deleted originals checked once for the whole window.
    messages: await withoutDeletedQuotes([...[...older?.messages ?? []].reverse(), message, ...newer?.messages ?? []]),
    // Without a page read on a side, there may be more there: the client finds out by asking.
    hasOlder: older ? older.next !== null : true,
    hasNewer: newer ? newer.next !== null : true,
  }
}
