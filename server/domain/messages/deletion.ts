import type { ChatMessage, PublicUser } from '#shared/types/chat'
import { mayModerate, requireWritableRoom } from '../rooms/access.ts'
import { deleteAttachments } from '../files/attachments.ts'
import { ForbiddenError, NotFoundError } from '../../core/errors.ts'
import { recordChange } from './changes.ts'
import { log } from '../../core/logger.ts'
import { markMessageDeleted } from '../../storage/messages-table.ts'
import { getMessage, rendered } from './messages.ts'
import { afterDelete } from '../search/indexing.ts'
import { useServices } from '../../services/services.ts'
import { useLatestMessages } from './latest-messages.ts'
import { useUnreadCounts } from '../rooms/unread-counts.ts'
import { announce } from '../events.ts'
import { forgetParent, uncountReply } from '../threads/threads.ts'
import { uncountForFollowers } from '../threads/following.ts'
import { forgetPin } from './pins.ts'

/** What is left of a deleted message: who said it and when, nothing of what was said. */
function tombstoneOf(message: ChatMessage): ChatMessage {
  const { thread, alsoToRoom, threadCount, threadLastAt, threadPeople } = message
  // A reply stays in its thread, and a parent keeps its thread under the tombstone.
  const threads = { ...(thread ? { thread } : {}), ...(alsoToRoom ? { alsoToRoom } : {}), ...(threadCount ? { threadCount, threadLastAt, threadPeople } : {}) }
  return { id: message.id, room: message.room, username: message.username, avatar: message.avatar, time: message.time, content: { text: '' }, html: '', deleted: true, ...threads }
}

/**
 * Turns a message into a tombstone: its author, the room's creator or an admin (`mayModerate`).
 * One conditional UpdateItem removes the text, the quote it carried, its reactions and its
 * attachments from the item, so history, previews, unread counts and catch-up all read the
 * tombstone; deleting twice is harmless.
 */
export async function deleteMessage(user: PublicUser, room: string, id: string): Promise<ChatMessage> {
  const moderator = mayModerate(user, await requireWritableRoom(user, room))
  // Every write to a message takes from the sender's budget, like a send.
  await useServices().limits.send(user.username)
  await recordChange(room, id)
  const stored = await markMessageDeleted(room, id, moderator ? null : user.username)
  if (!stored) {
    // Put the condition's refusal into words (read after it, never before the write).
    if (!await getMessage(room, id)) throw new NotFoundError('There is no such message')
    throw new ForbiddenError('You can only delete your own messages (the room\'s creator and admins delete any)')
  }
  const before = rendered(stored)
  // The tombstone is stored, so the deletion has happened; what the message pointed at goes now
  // (its files, its place among the room's pins). A failure is logged, not reported to the deleter.
  // Its search postings go with the indexer's next flush; a search never shows a deleted message
  // anyway (hits are checked against storage).
  afterDelete(before)
  await Promise.all([
    deleteAttachments(before).catch((error: unknown) => log.error('messages.delete_files_failed', { room, message: id, error })),
    forgetPin(before).catch((error: unknown) => log.error('messages.unpin_failed', { room, message: id, error })),
  ])
  const tombstone = tombstoneOf(before)
  forgetDeleted(tombstone)
  await announce('chat:message-deleted', tombstone)
  // Its parent counts one reply fewer, as do the followers who had it unread (a deletion that lost a
  // race to an earlier one changed nothing).
  if (tombstone.thread && !before.deleted) {
    await Promise.all([
      uncountReply(tombstone),
      uncountForFollowers(tombstone).catch((error: unknown) => log.error('threads.uncount_followers_failed', { room, message: id, error })),
    ])
  }
  return tombstone
}

/**
 * What this instance keeps of a room that a deletion changes (here, or on a peer that said so):
 * the room's newest message if it was that one, its unread counts, and the message as a thread's parent.
 */
export function forgetDeleted(tombstone: ChatMessage): void {
  forgetParent(tombstone.room, tombstone.id)
  useLatestMessages().changed(tombstone)
  useUnreadCounts().forgetRoom(tombstone.room)
}
