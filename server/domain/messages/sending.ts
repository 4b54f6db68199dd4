import { requireWritableRoom } from '../rooms/access.ts'
import type { ChatMessage, PublicUser, Room } from '#shared/types/chat'
import { log } from '../../core/logger.ts'
import { announce } from '../events.ts'
import { joinOnVisit } from '../rooms/memberships.ts'
import { mentionsIn, noteMentions } from './mentions.ts'
import { buildMessage, getMessage, saveMessage, timeOfMessageId } from './messages.ts'
import { replyQuote } from './replies.ts'
import { replyStored, requireThreadParent } from '../threads/threads.ts'
import { useServices } from '../../services/services.ts'
import { storeAttachments } from '../files/attachments.ts'
import { scheduleThumbnails } from '../files/thumbnails.ts'
import { useLatestMessages } from './latest-messages.ts'
import { metrics } from '../../core/metrics.ts'
import { writeUnitsOf } from '../../storage/messages-table.ts'
import { schedulePreviews } from '../links/previews.ts'

export interface SendInput {
  room: string
  text: string
  clientId?: string
  /** Upload ids (at most MAX_ATTACHMENTS) of files uploaded by this user for this room. */
  attachments?: string[]
  /** The id of the message this one answers (same room). */
  replyTo?: string
  /** A thread reply: the id of its parent (same room, not itself a reply). */
  thread?: string
  /** A thread reply shown in the room's stream as well. */
  alsoToRoom?: boolean
}

/**
 * Checks a message (the room exists, the sender is within their limit) and queues it for writing.
 * Resolves once it is queued, with `stored`, which settles once it is persisted and relayed to the
 * room (`origin`, the sending socket, excepted): callers that queue in order are confirmed, and
 * relayed, in order. A retry of a send with the same `clientId` gets the message the first send
 * stored, or writes it under that send's id (never a second message), and relays it again.
 * Writing in a room makes an account its member, whichever way the message came.
 */
export async function queueMessage(user: PublicUser, input: SendInput, origin?: string): Promise<{ stored: Promise<ChatMessage> }> {
  const arrived = performance.now()
  // A reply's parent is read alongside the room's checks (one sender's sends pass them one after
  // another, so a read waited for here delays the sends behind it); it is used only once they pass.
  const parentRead = input.thread ? requireThreadParent(input.room, input.thread) : null
  parentRead?.catch(() => {})
  const room = await requireWritableRoom(user, input.room)
  const { limits, clientIds } = useServices()
  await limits.send(user.username)
  const message = buildMessage(input.room, user, input.text, input.clientId)
  if (input.replyTo) message.replyTo = await replyQuote(input.room, input.replyTo)
  const parent = parentRead ? await parentRead : null
  if (parent) {
    message.thread = parent.id
    if (input.alsoToRoom) message.alsoToRoom = true
  }
  // Most messages name nobody: no lookups, no limits.
  const mentions = input.text.includes('@') ? await mentionsIn(room, user, input.text) : []
  if (mentions.length) message.mentions = mentions
  if (input.clientId) {
    const id = await clientIds.claim(user.username, input.clientId, message.id)
    if (id !== message.id) {
      const earlier = await getMessage(input.room, id)
      if (earlier) return { stored: delivered(user, room, earlier, origin) }
      // The first send never got stored (or is still on its way): the same id makes both one message.
      message.id = id
      message.time = timeOfMessageId(id)
    }
  }
  // Every file is checked (there, this sender's, for this room, type sniffed) before the message is
  // queued; a refused file means no message. Files are looked up under the message's id, so a
  // retry of this send finds them already moved.
  if (input.attachments?.length) message.attachments = await storeAttachments(user, input.room, input.attachments, message.id)
  // The room's partition takes this message's size in write units (a retry above never gets here).
  await limits.roomWrites(room.id, writeUnitsOf(message))
  // The sidebar's preview of this room comes from this instance's own writes (latest-messages.ts).
  return { stored: saveMessage(message).then(async (saved) => {
    metrics.count('MessagesStored')
    // A reply only in its thread is not the room's newest message (previews, unread counts).
    if (!saved.thread || saved.alsoToRoom) useLatestMessages().note(saved)
    // The parent's summary and the thread's followers follow after the acknowledgement; a failure
    // there leaves the reply stored and listed in its thread.
    if (parent) void replyStored(room, parent, saved)
    if (saved.attachments) scheduleThumbnails(saved)
    if (saved.mentions) noteMentions(room, saved).catch((error: unknown) => log.warn('mentions.note_failed', { room: room.id, error }))
    await delivered(user, room, saved, origin)
    metrics.timing('DeliveryLatency', performance.now() - arrived)
    // Link cards are read after the acknowledgement and arrive as an update.
    schedulePreviews(saved)
    return saved
  }) }
}

/** A stored message goes live to the room; its sender becomes a member if they were not one. */
async function delivered(user: PublicUser, room: Room, message: ChatMessage, origin: string | undefined): Promise<ChatMessage> {
  // Announced before anything is awaited, so one sender's messages are relayed in the order stored.
  const relayed = announce('chat:message-sent', { message, origin })
  joinOnVisit(user, room.id)
    .then(async (joined) => {
      if (joined) await announce('chat:members-changed', { room, added: [user.username] })
    })
    .catch((error: unknown) => log.warn('membership.join_failed', { room: room.id, error }))
  await relayed
  return message
}

/** A send from the HTTP API: stored, and relayed live to the room on every instance. */
export async function sendMessage(user: PublicUser, input: SendInput): Promise<ChatMessage> {
  return (await queueMessage(user, input)).stored
}
