import type { MessagePage, MessageWindow, PublicUser } from '#shared/types/chat'
import { requireReadableRoom } from '../rooms/access.ts'
import { messagesAround } from './message-window.ts'
import { listMessages } from './messages.ts'
import { metrics } from '../../core/metrics.ts'

/** A page of a room's history for someone who may read it (newest first; oldest first with `after`). */
export async function readHistory(reader: PublicUser, room: string, query: { before?: string, after?: string, limit: number }): Promise<MessagePage> {
  const { id } = await requireReadableRoom(reader, room)
  // A page after a known message is a tab catching up (after a reconnect, or a subscribing join).
  if (query.after) metrics.count('CatchUpsServed')
  // Taken before reading: the page holds every change made before it (the reader's clock may be off).
  const until = Date.now()
  return { ...await listMessages(id, query), until }
}

/** The window a link to message `around` opens on, for someone who may read the room. */
export async function readAround(reader: PublicUser, room: string, around: string, limit: number): Promise<MessageWindow> {
  const { id } = await requireReadableRoom(reader, room)
  const until = Date.now()
  return { ...await messagesAround(id, around, limit), until }
}
