import { UpdateCommand } from '@aws-sdk/lib-dynamodb'
import { useNitroApp } from 'nitropack/runtime'
import type { ChatMessage, PublicUser } from '#shared/types/chat'
import { REACTIONS_MAX } from '#shared/schemas/limits'
import { loadEmojiCatalogue } from '#shared/utils/emoji'
import { requireWritableRoom } from '../rooms/access.ts'
import { getDatabase } from '../../storage/database.ts'
import { ConflictError, NotFoundError, UserError } from '../../core/errors.ts'
import { recordChange } from './changes.ts'
import { getMessage, toMessage } from './messages.ts'
import { useServices } from '../../services/services.ts'

let known: Promise<Set<string>> | undefined

/** Whether `emoji` (canonical spelling) is in the emoji catalogue the picker offers. */
async function isKnownEmoji(emoji: string): Promise<boolean> {
  known ??= loadEmojiCatalogue().then(all => new Set(all.map(e => e.unicode)))
  return (await known).has(emoji)
}

const isCondition = (error: unknown) => (error as Error).name === 'ConditionalCheckFailedException'
/** DynamoDB refuses `reactions.#e` while the item has no `reactions` map yet. */
const isMissingMap = (error: unknown) => (error as Error).name === 'ValidationException' && /document path/i.test((error as Error).message)

/**
 * Adds (`add`) or takes back the caller's reaction with `emoji`. The usernames per emoji are a
 * string set updated in place (`ADD`/`DELETE reactions.#e :me`), never read and written back, so
 * double clicks and people reacting at once on different instances all count exactly once. A
 * new emoji is refused once the message carries REACTIONS_MAX distinct ones (in the condition).
 */
export async function react(user: PublicUser, room: string, id: string, emoji: string, add: boolean): Promise<ChatMessage> {
  await requireWritableRoom(user, room)
  // Every write to a message takes from the sender's budget, like a send.
  await useServices().limits.send(user.username)
  if (!await isKnownEmoji(emoji)) throw new UserError(`"${emoji}" is not an emoji this chat knows`)
  await recordChange(room, id)
  const { doc, tables } = await getDatabase()
  const update = () => doc.send(new UpdateCommand({
    TableName: tables.messages,
    Key: { room, message: id },
    UpdateExpression: add ? 'ADD reactions.#e :me' : 'DELETE reactions.#e :me',
    ConditionExpression: add
      ? 'attribute_exists(message) AND attribute_not_exists(deleted) AND (attribute_not_exists(reactions) OR attribute_exists(reactions.#e) OR size(reactions) < :max)'
      : 'attribute_exists(message) AND attribute_not_exists(deleted)',
    ExpressionAttributeNames: { '#e': emoji },
    ExpressionAttributeValues: { ':me': new Set([user.username]), ...(add ? { ':max': REACTIONS_MAX } : {}) },
    ReturnValues: 'ALL_NEW',
  }))
  /** The item after the update, or null when there was nothing to take back. */
  async function apply(): Promise<Record<string, unknown> | null> {
    try {
      return (await update()).Attributes ?? null
    }
    catch (error) {
      if (!isMissingMap(error)) throw error
      if (!add) return null
      await createMap(room, id)
      return (await update()).Attributes ?? null
    }
  }
  let item: Record<string, unknown> | null
  try {
    item = await apply()
  }
  catch (error) {
    if (!isCondition(error)) throw error
    item = null
  }
  const message = item ? toMessage(item) : await getMessage(room, id)
  // Put a refusal into words (read after the condition refused, never before the write).
  if (!message) throw new NotFoundError('There is no such message')
  if (message.deleted) throw new ConflictError('This message was deleted')
  if (!item && add) throw new ConflictError(`A message can carry at most ${REACTIONS_MAX} different reactions`)
  await useNitroApp().hooks.callHook('chat:reaction', { room, message: id, emoji, username: user.username, added: add })
  return message
}

/** Gives the message an empty `reactions` map (once: a concurrent creator wins, and that is fine). */
async function createMap(room: string, id: string): Promise<void> {
  const { doc, tables } = await getDatabase()
  try {
    await doc.send(new UpdateCommand({
      TableName: tables.messages,
      Key: { room, message: id },
      UpdateExpression: 'SET reactions = :none',
      ConditionExpression: 'attribute_exists(message) AND attribute_not_exists(reactions)',
      ExpressionAttributeValues: { ':none': {} },
    }))
  }
  catch (error) {
    if (!isCondition(error)) throw error
  }
}
