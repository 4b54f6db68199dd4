import type { NotifyLevel, PublicUser, Room } from '#shared/types/chat'
import type { CreateRoomInput, UpdateRoomInput } from '#shared/schemas/rooms'
import { assertMayAddMember, assertMayRemoveMember, requireManageableRoom, requireReadableRoom } from './access.ts'
import { getServerConfig } from '../../core/config.ts'
import { NotFoundError } from '../../core/errors.ts'
import { addMember, getMembership, removeMember, setMemberSettings } from './memberships.ts'
import { requireAccounts } from '../people/profiles.ts'
import { announce } from '../events.ts'
import { openDirectMessage } from './dms.ts'
import { createRoom, deleteRoom, updateRoom } from './rooms.ts'
import { summarise } from './summaries.ts'

/**
 * Managing rooms and their members: every function asks access.ts first (so a room the caller
 * may not read is a 404 here too), then changes storage, then announces the change (every
 * instance's caches and the people's tabs follow, through server/socket/relays.ts).
 */

/**
 * Creates a room for an account. A public room is news for every sidebar (among the rooms they have
 * not joined); a private one only for its creator. Either way the creator's tabs subscribe and list it.
 */
export async function createRoomAs(user: PublicUser, input: CreateRoomInput): Promise<Room> {
  const room = await createRoom(input, user)
  if (room.visibility !== 'private') await announce('chat:room-created', summarise(room, null, 0, 0, { member: false }))
  await announce('chat:members-changed', { room, added: [user.username] })
  return room
}

/** The DM between the caller and `usernames`, created on first use; `created` says which. */
export async function startDirectMessage(user: PublicUser, usernames: string[]): Promise<{ room: Room, created: boolean }> {
  const opened = await openDirectMessage(user, usernames)
  if (opened.created) await announce('chat:members-changed', { room: opened.room, added: opened.room.members })
  return opened
}

/** Rename, re-topic or (un)archive: the owner and ADMINS. */
export async function changeRoom(user: PublicUser, id: string, changes: UpdateRoomInput): Promise<Room> {
  const room = await updateRoom(await requireManageableRoom(user, id), changes)
  await announce('chat:room-changed', { room })
  return room
}

/** Deletes a room (owner and ADMINS); its former members are told. */
export async function removeRoom(user: PublicUser, id: string): Promise<void> {
  const room = await requireManageableRoom(user, id)
  await announce('chat:room-changed', { room, deleted: true, members: await deleteRoom(room) })
}

/** Joins a public room (`username` is the caller) or invites someone to a room the caller is in. */
export async function addRoomMember(user: PublicUser, id: string, username: string): Promise<Room> {
  const room = await requireReadableRoom(user, id)
  await assertMayAddMember(user, room, username)
  if (username !== user.username) await requireAccounts([username])
  if (!getServerConfig().defaultRooms.includes(room.id)) await addMember(room.id, username)
  await announce('chat:members-changed', { room, added: [username] })
  return room
}

/** Leaves a room (`username` is the caller), or the owner and ADMINS remove someone from it. */
export async function removeRoomMember(user: PublicUser, id: string, username: string): Promise<Room> {
  const room = await requireReadableRoom(user, id)
  assertMayRemoveMember(user, room, username)
  if (!await getMembership(room.id, username)) throw new NotFoundError(`${username} is not a member of #${room.id}`)
  await removeMember(room.id, username)
  await announce('chat:members-changed', { room, removed: [username] })
  return room
}

/** The caller's own settings for a room they can read: mute, and when to notify. */
export async function changeMemberSettings(user: PublicUser, id: string, settings: { muted?: boolean, notify?: NotifyLevel }): Promise<void> {
  const room = await requireReadableRoom(user, id)
  if (user.guest) return
  await setMemberSettings(room.id, user.username, settings)
}
