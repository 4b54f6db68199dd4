import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb'
import type { Room } from '#shared/types/chat'
import { conditionally, getDatabase, setAttribute } from './database.ts'

/**
 * The Rooms table (`id`): every room and DM. A deleted room stays as a tombstone (`deleted`) so
 * its id is never given out again.
 */
export type RoomChanges = Partial<Pick<Room, 'name' | 'topic' | 'archived'>>

function roomFromItem(item: Record<string, unknown>): Room {
  return {
    id: String(item.id),
    name: String(item.name ?? ''),
    topic: String(item.topic ?? ''),
    image: String(item.image ?? ''),
    createdBy: String(item.createdBy ?? ''),
    createdAt: Number(item.createdAt ?? 0),
    ...(item.visibility === 'public' || item.visibility === 'private' ? { visibility: item.visibility } : {}),
    ...(item.kind === 'room' || item.kind === 'dm' ? { kind: item.kind } : {}),
    // Kept when false: an unarchived room must say so to the tabs that showed it archived.
    ...(typeof item.archived === 'boolean' ? { archived: item.archived } : {}),
    ...(Array.isArray(item.members) ? { members: item.members.map(String) } : {}),
  }
}

/** Stores a new room; false when the id exists (or existed: tombstones keep it). */
export async function putRoomIfAbsent(room: Room): Promise<boolean> {
  const { doc, tables } = await getDatabase()
  return await conditionally(doc.send(new PutCommand({ TableName: tables.rooms, Item: room, ConditionExpression: 'attribute_not_exists(id)' }))) !== null
}

/** The room, or null when there is none (or it was deleted). */
export async function getRoomItem(id: string): Promise<Room | null> {
  const { doc, tables } = await getDatabase()
  const { Item } = await doc.send(new GetCommand({ TableName: tables.rooms, Key: { id } }))
  return Item && !Item.deleted ? roomFromItem(Item) : null
}

/** Who holds a room id: a room, a deleted room's tombstone (`deleted`), or null when no room ever had it. */
export async function getRoomIdHolder(id: string): Promise<{ room: Room, deleted: boolean } | null> {
  const { doc, tables } = await getDatabase()
  const { Item } = await doc.send(new GetCommand({ TableName: tables.rooms, Key: { id } }))
  return Item ? { room: roomFromItem(Item), deleted: Item.deleted === true } : null
}

/** Changes an existing, undeleted room's fields; the room as it is now. */
export async function updateRoomItem(id: string, changes: RoomChanges): Promise<Room> {
  const entries = Object.entries(changes).filter(([, value]) => value !== undefined)
  const { doc, tables } = await getDatabase()
  const { Attributes } = await doc.send(new UpdateCommand({
    TableName: tables.rooms,
    Key: { id },
    UpdateExpression: `SET ${entries.map(([name]) => `#${name} = :${name}`).join(', ')}`,
    ConditionExpression: 'attribute_exists(id) AND attribute_not_exists(deleted)',
    ExpressionAttributeNames: Object.fromEntries(entries.map(([name]) => [`#${name}`, name])),
    ExpressionAttributeValues: Object.fromEntries(entries.map(([name, value]) => [`:${name}`, value])),
    ReturnValues: 'ALL_NEW',
  }))
  return roomFromItem(Attributes ?? {})
}

export function markRoomDeleted(id: string): Promise<void> {
  return setAttribute('rooms', { id }, 'deleted', true)
}

/**
 * Adds a message to the room's pins (a string set `pins` on the Rooms item): at most `max`, which
 * the condition holds however many people pin at once on any instance. True when the message is
 * pinned now (newly or already); false when the room already holds `max` others (or is gone).
 */
export async function addPin(room: string, message: string, max: number): Promise<boolean> {
  const { doc, tables } = await getDatabase()
  return await conditionally(doc.send(new UpdateCommand({
    TableName: tables.rooms,
    Key: { id: room },
    UpdateExpression: 'ADD pins :message',
    ConditionExpression: 'attribute_exists(id) AND attribute_not_exists(deleted) AND (attribute_not_exists(pins) OR size(pins) < :max OR contains(pins, :id))',
    ExpressionAttributeValues: { ':message': new Set([message]), ':max': max, ':id': message },
  }))) !== null
}

/** Takes a message out of the room's pins (nothing happens when it was not there). */
export async function removePin(room: string, message: string): Promise<void> {
  const { doc, tables } = await getDatabase()
  await conditionally(doc.send(new UpdateCommand({
    TableName: tables.rooms,
    Key: { id: room },
    UpdateExpression: 'DELETE pins :message',
    ConditionExpression: 'attribute_exists(id)',
    ExpressionAttributeValues: { ':message': new Set([message]) },
  })))
}

/** The ids of the room's pinned messages (read from the table, never a cached room). */
export async function getPinIds(room: string): Promise<string[]> {
  const { doc, tables } = await getDatabase()
  const { Item } = await doc.send(new GetCommand({ TableName: tables.rooms, Key: { id: room }, ProjectionExpression: 'pins' }))
  return Item?.pins instanceof Set ? [...Item.pins].map(String) : []
}
