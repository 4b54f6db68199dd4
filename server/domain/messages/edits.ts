import type { ChatMessage, PublicUser } from '#shared/types/chat'
import { requireWritableRoom } from '../rooms/access.ts'
import { getServerConfig } from '../../core/config.ts'
import { editRefusal } from './edit-rules.ts'
import { ConflictError } from '../../core/errors.ts'
import { recordChange } from './changes.ts'
import { messageHtml } from '../text/render-message.ts'
import { log } from '../../core/logger.ts'
import { updateMessageText } from '../../storage/messages-table.ts'
import { getMessage, rendered } from './messages.ts'
import { reindexMessage } from '../search/indexing.ts'
import { useServices } from '../../services/services.ts'
import { useLatestMessages } from './latest-messages.ts'
import { announce } from '../events.ts'

/**
 * Replaces the text of the caller's own message: one conditional UpdateItem (the author, not
 * deleted, within EDIT_WINDOW_HOURS), so an edit racing a deletion can never bring the text back.
 */
export async function editMessage(user: PublicUser, room: string, id: string, text: string): Promise<ChatMessage> {
  await requireWritableRoom(user, room)
  // Every write to a message takes from the sender's budget, like a send.
  await useServices().limits.send(user.username)
  const { editWindowHours } = getServerConfig()
  const now = Date.now()
  await recordChange(room, id)
  const stored = await updateMessageText(room, id, { text, editedAt: now, author: user.username, cutoff: now - editWindowHours * 3_600_000 })
  if (!stored) throw editRefusal(await getMessage(room, id), user, now, editWindowHours) ?? new ConflictError('This message changed meanwhile; try again')
  const before = rendered(stored)
  const edited: ChatMessage = { ...before, content: { text }, html: messageHtml(text), editedAt: now }
  // The edit is stored; a failed re-index is logged (the hit still opens the message as it is now).
  await reindexMessage(before, edited).catch((error: unknown) => log.error('messages.reindex_failed', { room, message: id, error }))
  followEdit(edited)
  await announce('chat:message-updated', edited)
  return edited
}

/** What this instance keeps of a room that an edit changes (here, or on a peer that said so): its newest message, if it was that one. */
export function followEdit(edited: ChatMessage): void {
  useLatestMessages().changed(edited)
}
