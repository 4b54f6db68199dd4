import type { ChatMessage, PublicUser } from '#shared/types/chat'
import { PINS_MAX } from '#shared/schemas/limits'
import { requirePinnableRoom, requireReadableRoom } from '../rooms/access.ts'
import { ConflictError, NotFoundError } from '../../core/errors.ts'
import { addPin, getPinIds, removePin } from '../../storage/rooms-table.ts'
import { setPinned } from '../../storage/messages-table.ts'
import { useServices } from '../../services/services.ts'
import { recordChange } from './changes.ts'
import { getMessage, getMessages, rendered } from './messages.ts'
import { announce } from '../events.ts'

/**
 * Pinned messages. A pin is two writes: the room's pins (a string set on the Rooms item, whose
 * condition holds the room to PINS_MAX however many people pin at once, on any instance) and the
 * message's `pinned` mark (who, when), which history and catch-up carry. The set is written first,
 * so the bound holds; a mark that then fails (the message is gone) takes the id back out.
 * A (un)pin is announced as the message as it is now, so it reaches every instance's clients as
 * `message updated`, like an edit, and a reconnecting client finds it in the change feed.
 */

async function requirePinner(user: PublicUser, room: string): Promise<void> {
  await requirePinnableRoom(user, room)
  // Every write to a message takes from the sender's budget, like a send.
  await useServices().limits.send(user.username)
}

/** Why a message could not be (un)pinned, read after the condition refused (never before the write). */
async function refusal(room: string, id: string): Promise<Error> {
  const message = await getMessage(room, id)
  if (!message) return new NotFoundError('There is no such message')
  return new ConflictError('This message was deleted')
}

/** Pins a message of the room (pinning it again changes nothing); the message as it is now. */
export async function pinMessage(user: PublicUser, room: string, id: string): Promise<ChatMessage> {
  await requirePinner(user, room)
  await recordChange(room, id)
  if (!await addPin(room, id, PINS_MAX)) throw new ConflictError(`A room can have at most ${PINS_MAX} pinned messages: unpin one first`)
  const stored = await setPinned(room, id, { by: user.username, at: Date.now() })
  if (!stored) {
    await removePin(room, id)
    throw await refusal(room, id)
  }
  const message = rendered(stored)
  await announce('chat:message-updated', message)
  return message
}

/** Unpins a message of the room (unpinning one that is not pinned changes nothing). */
export async function unpinMessage(user: PublicUser, room: string, id: string): Promise<ChatMessage> {
  await requirePinner(user, room)
  await recordChange(room, id)
  await removePin(room, id)
  const stored = await setPinned(room, id, null)
  if (!stored) throw await refusal(room, id)
  const message = rendered(stored)
  await announce('chat:message-updated', message)
  return message
}

/** The room's pinned messages, the most recently pinned first: one GetItem and one BatchGetItem (at most PINS_MAX). */
export async function listPins(user: PublicUser, room: string): Promise<ChatMessage[]> {
  const { id } = await requireReadableRoom(user, room)
  const messages = await getMessages(id, await getPinIds(id))
  return messages.filter(m => m.pinned && !m.deleted).sort((a, b) => b.pinned!.at - a.pinned!.at)
}

/** A deleted message leaves the room's pins (its mark went with the rest of it). */
export async function forgetPin(message: Pick<ChatMessage, 'room' | 'id' | 'pinned'>): Promise<void> {
  if (message.pinned) await removePin(message.room, message.id)
}
