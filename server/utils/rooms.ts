import { GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb'
import type { Room } from '#shared/types/chat'
import type { CreateRoomInput } from '#shared/schemas/rooms'
import { roomIdFromName } from '#shared/schemas/rooms'
import { avatarUrl } from './avatars.ts'
import { getDatabase } from './database.ts'
import { ConflictError, UserError } from './errors.ts'

export class RoomExistsError extends ConflictError {
  readonly id: string
  constructor(id: string) {
    super(`A room with the id "${id}" already exists`)
    this.id = id
  }
}

export class InvalidRoomNameError extends UserError {
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

/** Creates the configured default rooms that do not exist yet (safe to run from every instance). */
export async function ensureDefaultRooms(ids: string[]): Promise<void> {
  await Promise.all(ids.map(id => putRoom(defaultRoom(id))))
}

export async function createRoom(input: CreateRoomInput, createdBy: string): Promise<Room> {
  const id = input.id ?? roomIdFromName(input.name)
  if (!id) throw new InvalidRoomNameError()
  const room: Room = { id, name: input.name, topic: input.topic ?? '', image: avatarUrl(id), createdBy, createdAt: Date.now() }
  if (!await putRoom(room)) throw new RoomExistsError(id)
  return room
}

// Rooms are never deleted, so a room seen once exists for good: no read per message.
const knownRooms = new Set<string>()

export async function roomExists(id: string): Promise<boolean> {
  if (knownRooms.has(id)) return true
  return Boolean(await getRoom(id))
}

export async function getRoom(id: string): Promise<Room | null> {
  const { doc, tables } = await getDatabase()
  const { Item } = await doc.send(new GetCommand({ TableName: tables.rooms, Key: { id } }))
  if (Item) knownRooms.add(id)
  return (Item as Room | undefined) ?? null
}

/** Every room, default rooms first then by name. Rooms are few; a Scan is the right tool. */
export async function listRooms(defaultIds: string[] = []): Promise<Room[]> {
  const { doc, tables } = await getDatabase()
  const rooms: Room[] = []
  let ExclusiveStartKey: Record<string, unknown> | undefined
  do {
    const page = await doc.send(new ScanCommand({ TableName: tables.rooms, ExclusiveStartKey }))
    rooms.push(...(page.Items as Room[] ?? []))
    ExclusiveStartKey = page.LastEvaluatedKey
  } while (ExclusiveStartKey)
  const rank = (room: Room) => {
    const index = defaultIds.indexOf(room.id)
    return index === -1 ? defaultIds.length : index
  }
  return rooms.sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name))
}
