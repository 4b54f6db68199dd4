import { requireWritableRoom } from './access.ts'
import type { ChatMessage, PublicUser } from '#shared/types/chat'
import { log } from './logger.ts'
import { mentionsIn, noteMentions } from './mentions.ts'
import { buildMessage, getMessage, saveMessage, timeOfMessageId } from './messages.ts'
import { useServices } from './services.ts'

export interface SendInput {
  room: string
  text: string
  clientId?: string
}

/**
 * Checks a message (the room exists, the sender is within their limit) and queues it for writing.
 * Resolves once it is queued, with `stored`, which settles once it is persisted: callers that
 * queue in order are confirmed in order. A retry of a send with the same `clientId` gets the
 * message the first send stored, or writes it under that send's id (never a second message).
 */
export async function queueMessage(user: PublicUser, input: SendInput): Promise<{ stored: Promise<ChatMessage> }> {
  const room = await requireWritableRoom(user, input.room)
  const { limits, clientIds, latestMessages } = useServices()
  await limits.send(user.username)
  const message = buildMessage(input.room, user, input.text, input.clientId)
  const mentions = await mentionsIn(room, user, input.text)
  if (mentions.length) message.mentions = mentions
  if (input.clientId) {
    const id = await clientIds.claim(user.username, input.clientId, message.id)
    if (id !== message.id) {
      const earlier = await getMessage(input.room, id)
      if (earlier) return { stored: Promise.resolve(earlier) }
      // The first send never got stored (or is still on its way): the same id makes both one message.
      message.id = id
      message.time = timeOfMessageId(id)
    }
  }
  // The sidebar's preview of this room comes from this instance's own writes (latest-messages.ts).
  return { stored: saveMessage(message).then((saved) => {
    latestMessages.note(saved)
    noteMentions(room, saved).catch((error: unknown) => log.warn('mentions.note_failed', { room: room.id, error }))
    return saved
  }) }
}
