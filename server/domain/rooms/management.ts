import type { NotifyLevel, PublicUser, Room } from '#shared/types/chat'
import type { UpdateRoomInput } from '#shared/schemas/rooms'
import { assertMayAddMember, assertMayRemoveMember, requireManageableRoom, requireReadableRoom } from './access.ts'
import { getServerConfig } from '../../core/config.ts'
import { NotFoundError } from '../../core/errors.ts'
import { addMember, getMembership, removeMember, setMemberSettings } from './memberships.ts'
import { requireAccounts } from '../people/profiles.ts'
import { deleteRoom, updateRoom } from './rooms.ts'

/**
 * Managing rooms and their members: every function asks access.ts first (so a room the caller
 * may not read is a 404 here too), then changes storage. The routes tell the realtime layer.
 */

/** Rename, re-topic or (un)archive: the owner and ADMINS. */
export async function changeRoom(user: PublicUser, id: string, changes: UpdateRoomInput): Promise<Room> {
  return updateRoom(await requireManageableRoom(user, id), changes)
}

/** Deletes a room (owner and ADMINS): its former members, to be told. */
export async function removeRoom(user: PublicUser, id: string): Promise<{ room: Room, members: string[] }> {
  const room = await requireManageableRoom(user, id)
  return { room, members: await deleteRoom(room) }
}

/** Joins a public room (`username` is the caller) or invites someone to a room the caller is in. */
export async function addRoomMember(user: PublicUser, id: string, username: string): Promise<Room> {
  const room = await requireReadableRoom(user, id)
  await assertMayAddMember(user, room, username)
  if (username !== user.username) await requireAccounts([username])
  if (!getServerConfig().defaultRooms.includes(room.id)) await addMember(room.id, username)
  return room
}

/** Leaves a room (`username` is the caller), or the owner and ADMINS remove someone from it. */
export async function removeRoomMember(user: PublicUser, id: string, username: string): Promise<Room> {
  const room = await requireReadableRoom(user, id)
  assertMayRemoveMember(user, room, username)
  if (!await getMembership(room.id, username)) throw new NotFoundError(`${username} is not a member of #${room.id}`)
  await removeMember(room.id, username)
  return room
}

/** The caller's own settings for a room they can read: mute, and when to notify. */
export async function changeMemberSettings(user: PublicUser, id: string, settings: { muted?: boolean, notify?: NotifyLevel }): Promise<void> {
  const room = await requireReadableRoom(user, id)
  if (user.guest) return
  await setMemberSettings(room.id, user.username, settings)
}
