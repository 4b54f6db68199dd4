import type { PublicUser, Room } from '#shared/types/chat'
import { announce } from '../events.ts'
import { requireReadableRoom } from './access.ts'
import { clearMentions, forgetReader, joinOnVisit } from './memberships.ts'
import { markRead } from './read-markers.ts'
import { getReadMarker } from '../../storage/users-table.ts'

/**
 * Someone read a room up to `message`: their marker moves on, their unread mentions there are
 * cleared, and their other tabs (all but `origin`) hear of it.
 */
export async function readRoom(user: PublicUser, room: string, message: string, origin?: string): Promise<void> {
  const { id } = await requireReadableRoom(user, room)
  await Promise.all([markRead(user, id, message), user.guest ? undefined : clearMentions(id, user.username)])
  forgetReader(user.username)
  await announce('chat:room-read', { username: user.username, room: id, message, origin })
}

/**
 * Someone opens a room they may read: the room, and an account becomes its member if it was not
 * one (the room joins their sidebar and every tab subscribes), as for writing in it.
 */
export async function visitRoom(user: PublicUser, room: string): Promise<Room> {
  const found = await requireReadableRoom(user, room)
  if (await joinOnVisit(user, found.id)) await announce('chat:members-changed', { room: found, added: [user.username] })
  return found
}

/**
 * The reader's marker in a room they may read, as stored now (null for guests and rooms never
 * read): the room page puts its "New messages" divider above the first message after it.
 */
export async function readMarkerIn(user: PublicUser, room: string): Promise<string | null> {
  const { id } = await requireReadableRoom(user, room)
  return user.guest ? null : getReadMarker(user.username, id)
}
