import { LRUCache } from 'lru-cache'
import type { PublicUser, Room } from '#shared/types/chat'
import type { CreateRoomInput } from '#shared/schemas/rooms'
import { roomIdFromName } from '#shared/schemas/rooms'
import { avatarUrl } from '../people/avatars.ts'
import { getRoomItem, markRoomDeleted, putRoomIfAbsent, updateRoomItem, type RoomChanges } from '../../storage/rooms-table.ts'
import { ConflictError, ForbiddenError, UserError } from '../../core/errors.ts'
import { addMember, membersOf, removeMember } from './memberships.ts'
import { addToDirectory, removeFromDirectory, useRoomDirectory } from './directory.ts'
import { useServices } from '../../services/services.ts'

/**
 * An id that cannot be given: taken by any room (public, private, a DM or deleted) or kept for DMs.
 * One answer for all of them, so that asking for an id never tells a private room from the rest.
 */
export class RoomIdUnavailableError extends ConflictError {
  readonly id: string
  constructor(id: string) {
    super(`The room id "${id}" is not available: choose another name`)
    this.id = id
  }
}

class InvalidRoomNameError extends UserError {
  constructor() {
    super('Room name must contain at least one letter or digit')
  }
}

const DEFAULT_ROOM_DETAILS: Record<string, { name: string, topic: string }> = {
  general: { name: 'General', topic: 'Anything goes' },
  fargate: { name: 'Fargate', topic: 'Serverless containers on AWS Fargate' },
  lambda: { name: 'Lambda', topic: 'Functions, triggers and cold starts' },
  ecs: { name: 'ECS', topic: 'Clusters, services and task definitions' },
}

function defaultRoom(id: string): Room {
  const details = DEFAULT_ROOM_DETAILS[id] ?? { name: id.replace(/-/g, ' ').replace(/^./, c => c.toUpperCase()), topic: '' }
  return { id, ...details, image: avatarUrl(id), createdBy: 'system', createdAt: 0 }
}

/** Creates the configured default rooms that do not exist yet, listed (safe to run from every instance). */
export async function ensureDefaultRooms(ids: string[]): Promise<void> {
  await Promise.all(ids.map(async (id) => {
    const room = defaultRoom(id)
    await putRoomIfAbsent(room)
    await addToDirectory(room)
  }))
}

/** Only accounts create rooms: a guest is one click away, so guests would make the limit moot. */
export function assertMayCreateRooms(user: PublicUser): void {
  if (user.guest) throw new ForbiddenError('Guests cannot create rooms. Create an account to make your own rooms.')
}

/** Ids of direct messages (`dm-<hash>`, dms.ts) are never given to rooms, so nobody can take a DM's id first. */
export const DM_PREFIX = 'dm-'

/** A room is private when it says so, and every DM is. */
export function isPrivate(room: Room): boolean {
  return room.visibility === 'private' || room.kind === 'dm'
}

/** Creates and lists a room; takes one of the creator's room creations per hour (given back on a clash). */
export async function createRoom(input: CreateRoomInput, creator: PublicUser): Promise<Room> {
  assertMayCreateRooms(creator)
  const id = input.id ?? roomIdFromName(input.name)
  if (!id) throw new InvalidRoomNameError()
  if (id.startsWith(DM_PREFIX)) throw new RoomIdUnavailableError(id)
  const { limits } = useServices()
  await limits.roomCreation.take(creator.username)
  const room: Room = {
    id,
    name: input.name,
    topic: input.topic ?? '',
    image: avatarUrl(id),
    createdBy: creator.username,
    createdAt: Date.now(),
    ...(input.visibility === 'private' ? { visibility: 'private' as const } : {}),
  }
  if (!await putRoomIfAbsent(room)) {
    await limits.roomCreation.refund(creator.username)
    throw new RoomIdUnavailableError(id)
  }
  // The creator is the first member (and, through createdBy, the owner).
  await addMember(id, creator.username)
  if (!isPrivate(room)) {
    await addToDirectory(room)
    useRoomDirectory().invalidate()
  }
  rooms.set(id, room)
  return room
}

/** Stores a DM (dms.ts): false when it exists already. */
export async function putDirectRoom(room: Room): Promise<boolean> {
  const stored = await putRoomIfAbsent(room)
  if (stored) rooms.set(room.id, room)
  return stored
}

/** Renames, re-topics or (un)archives a room (the caller checked who may); the changed room. */
export async function updateRoom(room: Room, changes: RoomChanges): Promise<Room> {
  const entries = Object.entries(changes).filter(([, value]) => value !== undefined)
  if (!entries.length) return room
  const updated = await updateRoomItem(room.id, changes)
  if (!isPrivate(updated)) {
    await addToDirectory(updated)
    useRoomDirectory().invalidate()
  }
  rooms.set(updated.id, updated)
  return updated
}

/**
 * Deletes a room: a tombstone stays in the Rooms table so its id (and its messages, which are
 * left in place) can never be taken over by a new room of the same name.
 */
export async function deleteRoom(room: Room): Promise<string[]> {
  await markRoomDeleted(room.id)
  forgetRoom(room.id)
  if (!isPrivate(room)) {
    await removeFromDirectory(room.id)
    useRoomDirectory().invalidate()
  }
  const members = await membersOf(room.id)
  await Promise.all(members.map(username => removeMember(room.id, username)))
  return members
}

// Rooms change rarely (rename, topic, archive, delete): each instance keeps what it read for a
// short while, and forgets a room at once when it changes here or on another instance
// (`forgetRoom`, called through the Socket.io adapter); the expiry covers a missed notice.
// Bounded, so looking up many ids cannot grow memory without end.
const ROOM_TTL_MS = 30_000
const rooms = new LRUCache<string, Room>({ max: 20_000, ttl: ROOM_TTL_MS })

/** Drops a cached room (it changed, here or on another instance). */
export function forgetRoom(id: string): void {
  rooms.delete(id)
}

const reading = new Map<string, Promise<Room | null>>()

export async function getRoom(id: string): Promise<Room | null> {
  const known = rooms.get(id)
  if (known) return known
  // Concurrent lookups of one room share one read.
  let read = reading.get(id)
  if (!read) {
    read = readRoom(id).finally(() => reading.delete(id))
    reading.set(id, read)
  }
  return read
}

async function readRoom(id: string): Promise<Room | null> {
  const room = await getRoomItem(id)
  if (room) rooms.set(id, room)
  return room
}

/** Several rooms by id (those that exist), in the order asked; cached rooms cost no read. */
export async function getRooms(ids: string[]): Promise<Room[]> {
  const found = await Promise.all(ids.map(id => getRoom(id)))
  return found.filter((room): room is Room => room !== null)
}
