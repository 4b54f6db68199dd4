import type { ChatMessage, PublicUser } from '#shared/types/chat'
import { REACTIONS_MAX } from '#shared/schemas/limits'
import { loadEmojiCatalogue } from '#shared/utils/emoji'
import { requireWritableRoom } from '../rooms/access.ts'
import { ConflictError, NotFoundError, UserError } from '../../core/errors.ts'
import { recordChange } from './changes.ts'
import { updateReaction } from '../../storage/messages-table.ts'
import { getMessage, rendered } from './messages.ts'
import { useServices } from '../../services/services.ts'
import { announce } from '../events.ts'

let known: Promise<Set<string>> | undefined

/** Whether `emoji` (canonical spelling) is in the emoji catalogue the picker offers. */
async function isKnownEmoji(emoji: string): Promise<boolean> {
  known ??= loadEmojiCatalogue().then(all => new Set(all.map(e => e.unicode)))
  return (await known).has(emoji)
}

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
  const updated = await updateReaction(room, id, { emoji, username: user.username, add, max: REACTIONS_MAX })
  const message = updated ? rendered(updated) : await getMessage(room, id)
  // Put a refusal into words (read after the condition refused, never before the write).
  if (!message) throw new NotFoundError('There is no such message')
  if (message.deleted) throw new ConflictError('This message was deleted')
  if (!updated && add) throw new ConflictError(`A message can carry at most ${REACTIONS_MAX} different reactions`)
  await announce('chat:reaction', { room, message: id, emoji, username: user.username, added: add })
  return message
}
