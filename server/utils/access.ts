import type { PublicUser, Room } from '#shared/types/chat'
import { getServerConfig } from './config.ts'
import { NotFoundError } from './errors.ts'
import { getRoom, getRooms } from './rooms.ts'

/**
 * The one module that decides who may read, write and moderate a room. Every path that
 * touches a room or its messages (HTTP routes, the server-rendered page, socket events,
 * catch-up, search, files) asks here, so a rule changes in one place.
 *
 * A room the user may not read is answered exactly like a room that does not exist: the
 * refusal must not tell an outsider that a private room is there.
 */

function noSuchRoom(id: string): NotFoundError {
  return new NotFoundError(`There is no room "${id}"`)
}

/** The room, when `user` may read it (its page, history, catch-up, files, search hits). */
export async function requireReadableRoom(user: PublicUser, id: string): Promise<Room> {
  const room = await getRoom(id)
  if (!room || !mayRead(user, room)) throw noSuchRoom(id)
  return room
}

/** The room, when `user` may post in it (send, react); a 404 when they may not even read it. */
export async function requireWritableRoom(user: PublicUser, id: string): Promise<Room> {
  return requireReadableRoom(user, id)
}

/** Of these rooms, the ones `user` may read, in the order given (search results, bulk listings). */
export async function readableRooms(user: PublicUser, ids: string[]): Promise<Room[]> {
  return (await getRooms(ids)).filter(room => mayRead(user, room))
}

// Every room is public for now; membership rules arrive with private rooms and DMs.
function mayRead(_user: PublicUser, _room: Room): boolean {
  return true
}

/** Users named in ADMINS moderate every room. @public (used by room management, next) */
export function isAdmin(user: PublicUser): boolean {
  return !user.guest && getServerConfig().admins.includes(user.username)
}

/** Moderators (the room's creator and ADMINS) may delete anyone's message in it. */
export function mayModerate(user: PublicUser, room: Room): boolean {
  return !user.guest && (room.createdBy === user.username || isAdmin(user))
}
