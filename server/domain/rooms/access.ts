import type { PublicUser, Room, RoomAvailability } from '#shared/types/chat'
import { getServerConfig } from '../../core/config.ts'
import { ForbiddenError, NotFoundError, UserError } from '../../core/errors.ts'
import { getRoomIdHolder } from '../../storage/rooms-table.ts'
import { getMembership } from './memberships.ts'
import { DM_PREFIX, getRoom, getRooms, isPrivate } from './rooms.ts'

/**
 * The one module that decides who may read, write and moderate a room. Every path that
 * touches a room or its messages (HTTP routes, the server-rendered page, socket events,
 * catch-up, search, files) asks here, so a rule changes in one place.
 *
 * A room the user may not read is answered exactly like a room that does not exist: the
 * refusal must not tell an outsider that a private room is there.
 *
 * The rules: public rooms are readable by everyone; private rooms and DMs by their members
 * only (a DM's members are fixed on the room; a private room's are Memberships rows, read on
 * every check, never cached, so a removal holds at once on every instance). Archived rooms are
 * read-only. The owner (creator) and ADMINS manage a room; DMs have no owner.
 */

function noSuchRoom(id: string): NotFoundError {
  return new NotFoundError(`There is no room "${id}"`)
}

/** The room, when `user` may read it (its page, history, catch-up, files, search hits). */
export async function requireReadableRoom(user: PublicUser, id: string): Promise<Room> {
  const room = await getRoom(id)
  if (!room || !await mayRead(user, room)) throw noSuchRoom(id)
  return room
}

/** The room, when `user` may post in it (send, react); a 404 when they may not even read it. */
export async function requireWritableRoom(user: PublicUser, id: string): Promise<Room> {
  const room = await requireReadableRoom(user, id)
  if (room.archived) throw new ForbiddenError(`#${room.id} is archived: it is read-only`)
  return room
}

/** The room, when `user` may pin and unpin its messages: whoever may post there, guests excepted. */
export async function requirePinnableRoom(user: PublicUser, id: string): Promise<Room> {
  const room = await requireWritableRoom(user, id)
  if (user.guest) throw new ForbiddenError('Guests cannot pin messages. Create an account first.')
  return room
}

/** Of these rooms, the ones `user` may read, in the order given (search results, bulk listings). */
export async function readableRooms(user: PublicUser, ids: string[]): Promise<Room[]> {
  const rooms = await getRooms(ids)
  const readable = await Promise.all(rooms.map(room => mayRead(user, room)))
  return rooms.filter((_, index) => readable[index])
}

/** Whether `user` belongs to the room's members (a DM's fixed list, or a Memberships row). */
export async function isMember(user: PublicUser, room: Room): Promise<boolean> {
  if (user.guest) return false
  if (room.kind === 'dm') return room.members?.includes(user.username) ?? false
  return (await getMembership(room.id, user.username)) !== null
}

async function mayRead(user: PublicUser, room: Room): Promise<boolean> {
  return !isPrivate(room) || isMember(user, room)
}

/**
 * What the page of a room id may say to someone who cannot open it: no more than creating a room
 * with that id would tell anyone (a 409 when it is taken; ids are never given out twice). Whether a
 * taken id is a private room or a deleted one is not said, except for a public room, which everyone
 * could see; of ids kept for DMs nothing is said at all (they would tell who writes to whom).
 */
export async function roomAvailability(id: string): Promise<RoomAvailability> {
  if (id.startsWith(DM_PREFIX)) return 'reserved'
  const holder = await getRoomIdHolder(id)
  if (!holder) return 'free'
  return holder.deleted && !isPrivate(holder.room) ? 'deleted' : 'taken'
}

/** Users named in ADMINS moderate every room. @public (used by message moderation, next) */
export function isAdmin(user: PublicUser): boolean {
  return !user.guest && getServerConfig().admins.includes(user.username)
}

/** Who is signed in, as the pages learn it: `admin` lets them offer what ADMINS may do. */
export function signedInView(user: PublicUser | null): { user: PublicUser | null, admin?: true } {
  return { user, ...(user && isAdmin(user) ? { admin: true as const } : {}) }
}

/** Moderators (the room's creator and ADMINS) may delete anyone's message in it, and manage it. */
export function mayModerate(user: PublicUser, room: Room): boolean {
  return !user.guest && room.kind !== 'dm' && (room.createdBy === user.username || isAdmin(user))
}

/** The room, when `user` may rename, re-topic, archive or delete it; 404 when they may not read it. */
export async function requireManageableRoom(user: PublicUser, id: string): Promise<Room> {
  const room = await requireReadableRoom(user, id)
  if (room.kind === 'dm') throw new ForbiddenError('Direct messages cannot be renamed, archived or deleted')
  if (!mayModerate(user, room)) throw new ForbiddenError(`Only the owner of #${room.id} or an admin can change it`)
  return room
}

/**
 * Checks that `user` may add `username` to the room: anyone joins a public room themselves;
 * members of a room invite others to it; a DM's members never change.
 */
export async function assertMayAddMember(user: PublicUser, room: Room, username: string): Promise<void> {
  if (room.kind === 'dm') throw new ForbiddenError('The people of a direct message cannot change: start a new one')
  if (user.guest) throw new ForbiddenError('Guests cannot join or invite. Create an account first.')
  if (room.archived) throw new ForbiddenError(`#${room.id} is archived: it is read-only`)
  if (username === user.username) {
    // A private room's outsider cannot get here: requireReadableRoom answered 404 already.
    return
  }
  if (!await isMember(user, room) && !isAdmin(user)) throw new ForbiddenError(`Join #${room.id} before inviting others to it`)
}

/** Checks that `user` may remove `username`: anyone leaves; the owner and ADMINS remove others. */
export function assertMayRemoveMember(user: PublicUser, room: Room, username: string): void {
  if (room.kind === 'dm') throw new ForbiddenError('The people of a direct message cannot change: start a new one')
  if (getServerConfig().defaultRooms.includes(room.id)) throw new UserError(`Everyone belongs to #${room.id}: mute it instead`)
  if (username === user.username) return
  if (!mayModerate(user, room)) throw new ForbiddenError(`Only the owner of #${room.id} or an admin can remove people from it`)
  if (username === room.createdBy) throw new ForbiddenError('The owner cannot be removed')
}
