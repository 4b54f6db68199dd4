import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb'
import { LRUCache } from 'lru-cache'
import type { PublicUser } from '#shared/types/chat'
import { getServerConfig } from './config.ts'
import { getDatabase } from './database.ts'
import { markersFrom, type ReadMarkers } from './read-markers.ts'

/**
 * The rooms a user belongs to: every default room, plus the rooms they joined (kept on
 * their Users item; a guest's joined rooms last as long as their connections).
 */
export async function roomsOf(user: PublicUser): Promise<string[]> {
  const defaults = getServerConfig().defaultRooms
  if (user.guest) return defaults
  const { doc, tables } = await getDatabase()
  const { Item } = await doc.send(new GetCommand({ TableName: tables.users, Key: { username: user.username }, ProjectionExpression: 'rooms' }))
  const joined = (Item?.rooms as Set<string> | undefined) ?? new Set<string>()
  return [...new Set([...defaults, ...joined])]
}

interface ReaderState { rooms: string[], markers: ReadMarkers }

/**
 * Readers' rooms and markers, per instance, for a few seconds: a burst of listings by one
 * account costs one read. Forgotten at once when this instance changes them (`forgetReader`);
 * a change made on another instance shows within READER_TTL_MS (its tabs hear of reads live).
 */
const READER_TTL_MS = 5_000
const readers = new LRUCache<string, ReaderState>({ max: 10_000, ttl: READER_TTL_MS })

export function forgetReader(username: string): void {
  readers.delete(username)
}

/** The rooms a user belongs to (defaults first, then joined ones by id) and their read markers, from one read of their Users item. */
export async function roomsAndMarkers(user: PublicUser): Promise<ReaderState> {
  const defaults = getServerConfig().defaultRooms
  if (user.guest) return { rooms: defaults, markers: {} }
  const known = readers.get(user.username)
  if (known) return known
  const { doc, tables } = await getDatabase()
  const { Item } = await doc.send(new GetCommand({ TableName: tables.users, Key: { username: user.username } }))
  const joined = (Item?.rooms as Set<string> | undefined) ?? new Set<string>()
  const state = { rooms: [...new Set([...defaults, ...[...joined].sort()])], markers: Item ? markersFrom(Item) : {} }
  readers.set(user.username, state)
  return state
}

export async function addMembership(user: PublicUser, room: string): Promise<void> {
  if (user.guest || getServerConfig().defaultRooms.includes(room)) return
  const { doc, tables } = await getDatabase()
  await doc.send(new UpdateCommand({
    TableName: tables.users,
    Key: { username: user.username },
    UpdateExpression: 'ADD rooms :room',
    ConditionExpression: 'attribute_exists(username)',
    ExpressionAttributeValues: { ':room': new Set([room]) },
  }))
  forgetReader(user.username)
}
