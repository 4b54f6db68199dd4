import { UpdateCommand } from '@aws-sdk/lib-dynamodb'
import { useNitroApp } from 'nitropack/runtime'
import type { ChatMessage, PublicUser } from '#shared/types/chat'
import { requireWritableRoom } from '../rooms/access.ts'
import { getServerConfig } from '../../core/config.ts'
import { getDatabase } from '../../storage/database.ts'
import { editRefusal } from './edit-rules.ts'
import { ConflictError } from '../../core/errors.ts'
import { recordChange } from './changes.ts'
import { messageHtml } from '../text/render-message.ts'
import { log } from '../../core/logger.ts'
import { getMessage, toMessage } from './messages.ts'
import { reindexMessage } from '../search/indexing.ts'
import { useServices } from '../../services/services.ts'

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
  const { doc, tables } = await getDatabase()
  let before: ChatMessage
  let edited: ChatMessage
  try {
    const { Attributes } = await doc.send(new UpdateCommand({
      TableName: tables.messages,
      Key: { room, message: id },
      UpdateExpression: 'SET content.#text = :text, editedAt = :now',
      ConditionExpression: 'attribute_exists(message) AND username = :me AND attribute_not_exists(deleted) AND #time >= :cutoff',
      ExpressionAttributeNames: { '#text': 'text', '#time': 'time' },
      ExpressionAttributeValues: { ':text': text, ':now': now, ':me': user.username, ':cutoff': now - editWindowHours * 3_600_000 },
      ReturnValues: 'ALL_OLD',
    }))
    before = toMessage(Attributes!)
    edited = { ...before, content: { text }, html: messageHtml(text), editedAt: now }
  }
  catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error
    throw editRefusal(await getMessage(room, id), user, now, editWindowHours) ?? new ConflictError('This message changed meanwhile; try again')
  }
  // The edit is stored; a failed re-index is logged (the hit still opens the message as it is now).
  await reindexMessage(before, edited).catch((error: unknown) => log.error('messages.reindex_failed', { room, message: id, error }))
  useServices().latestMessages.changed(edited)
  await useNitroApp().hooks.callHook('chat:message-updated', edited)
  return edited
}
