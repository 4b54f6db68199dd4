import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb'
import { LRUCache } from 'lru-cache'
import type { PublicUser, Room } from '#shared/types/chat'
import type { CreateRoomInput } from '#shared/schemas/rooms'
import { roomIdFromName } from '#shared/schemas/rooms'
import { avatarUrl } from './avatars.ts'
import { getDatabase } from './database.ts'
import { ConflictError, ForbiddenError, UserError } from './errors.ts'
import { addToDirectory } from './room-directory.ts'
import { useServices } from './services.ts'

export class RoomExistsError extends ConflictError {
  readonly id: string
  constructor(id: string) {
    super(`A room with the id "${id}" already exists`)
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

async function putRoom(room: Room): Promise<boolean> {
  const { doc, tables } = await getDatabase()
  try {
    await doc.send(new PutCommand({ TableName: tables.rooms, Item: room, ConditionExpression: 'attribute_not_exists(id)' }))
    return true
  }
  catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return false
    throw error
  }
}

/** Creates the configured default rooms that do not exist yet, listed (safe to run from every instance). */
export async function ensureDefaultRooms(ids: string[]): Promise<void> {
  await Promise.all(ids.map(async (id) => {
    const room = defaultRoom(id)
    await putRoom(room)
    await addToDirectory(room)
  }))
}

/** Only accounts create rooms: a guest is one click away, so guests would make the limit moot. */
export function assertMayCreateRooms(user: PublicUser): void {
  if (user.guest) throw new ForbiddenError('Guests cannot create rooms. Create an account to make your own rooms.')
}

/** Creates and lists a room; takes one of the creator's room creations per hour (given back on a clash). */
export async function createRoom(input: CreateRoomInput, creator: PublicUser): Promise<Room> {
  assertMayCreateRooms(creator)
  const id = input.id ?? roomIdFromName(input.name)
  if (!id) throw new InvalidRoomNameError()
  const { limits, roomDirectory } = useServices()
  await limits.roomCreation.take(creator.username)
  const room: Room = { id, name: input.name, topic: input.topic ?? '', image: avatarUrl(id), createdBy: creator.username, createdAt: Date.now() }
  if (!await putRoom(room)) {
    await limits.roomCreation.refund(creator.username)
    throw new RoomExistsError(id)
  }
  await addToDirectory(room)
  rooms.set(id, room)
  roomDirectory.invalidate()
  return room
}

// Rooms are never deleted nor changed, so a room read once is known for good: no read per
// message or per listing. Bounded, so looking up many ids cannot grow memory without end.
const rooms = new LRUCache<string, Room>({ max: 20_000 })

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
  const { doc, tables } = await getDatabase()
  const { Item } = await doc.send(new GetCommand({ TableName: tables.rooms, Key: { id } }))
  if (Item) rooms.set(id, Item as Room)
  return (Item as Room | undefined) ?? null
}

/** Several rooms by id (those that exist), in the order asked; cached rooms cost no read. */
export async function getRooms(ids: string[]): Promise<Room[]> {
  const found = await Promise.all(ids.map(id => getRoom(id)))
  return found.filter((room): room is Room => room !== null)
}
