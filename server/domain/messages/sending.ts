import { useNitroApp } from 'nitropack/runtime'
import { requireWritableRoom } from '../rooms/access.ts'
import type { ChatMessage, PublicUser } from '#shared/types/chat'
import { log } from '../../core/logger.ts'
import { mentionsIn, noteMentions } from './mentions.ts'
import { buildMessage, getMessage, saveMessage, timeOfMessageId } from './messages.ts'
import { replyQuote } from './replies.ts'
import { useServices } from '../../services/services.ts'
import { storeAttachments } from '../files/attachments.ts'
import { scheduleThumbnails } from '../files/thumbnails.ts'
import { useLatestMessages } from './latest-messages.ts'

export interface SendInput {
  room: string
  text: string
  clientId?: string
  /** Upload ids (at most MAX_ATTACHMENTS) of files uploaded by this user for this room. */
  attachments?: string[]
  /** The id of the message this one answers (same room). */
  replyTo?: string
}

/**
 * Checks a message (the room exists, the sender is within their limit) and queues it for writing.
 * Resolves once it is queued, with `stored`, which settles once it is persisted: callers that
 * queue in order are confirmed in order. A retry of a send with the same `clientId` gets the
 * message the first send stored, or writes it under that send's id (never a second message).
 */
export async function queueMessage(user: PublicUser, input: SendInput): Promise<{ stored: Promise<ChatMessage> }> {
  const room = await requireWritableRoom(user, input.room)
  const { limits, clientIds } = useServices()
  await limits.send(user.username)
  const message = buildMessage(input.room, user, input.text, input.clientId)
  if (input.replyTo) message.replyTo = await replyQuote(input.room, input.replyTo)
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
  // Every file is checked (there, this sender's, for this room, type sniffed) before the message is
  // queued; a refused file means no message. Files are looked up under the message's id, so a
  // retry of this send finds them already moved.
  if (input.attachments?.length) message.attachments = await storeAttachments(user, input.room, input.attachments, message.id)
  // The sidebar's preview of this room comes from this instance's own writes (latest-messages.ts).
  return { stored: saveMessage(message).then((saved) => {
    useLatestMessages().note(saved)
    if (saved.attachments) scheduleThumbnails(saved)
    noteMentions(room, saved).catch((error: unknown) => log.warn('mentions.note_failed', { room: room.id, error }))
    return saved
  }) }
}

/**
 * A send from the HTTP API: stored, then relayed live to the room on every instance through the
 * `chat:message-sent` hook (socket sends relay it from their handler, which knows the sender's socket).
 */
export async function sendMessage(user: PublicUser, input: SendInput): Promise<ChatMessage> {
  const message = await (await queueMessage(user, input)).stored
  await useNitroApp().hooks.callHook('chat:message-sent', message)
  return message
}
