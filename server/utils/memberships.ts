import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb'
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

/** The rooms a user belongs to and their read markers, from one read of their Users item. */
export async function roomsAndMarkers(user: PublicUser): Promise<{ rooms: string[], markers: ReadMarkers }> {
  const defaults = getServerConfig().defaultRooms
  if (user.guest) return { rooms: defaults, markers: {} }
  const { doc, tables } = await getDatabase()
  const { Item } = await doc.send(new GetCommand({ TableName: tables.users, Key: { username: user.username } }))
  const joined = (Item?.rooms as Set<string> | undefined) ?? new Set<string>()
  return { rooms: [...new Set([...defaults, ...[...joined].sort()])], markers: Item ? markersFrom(Item) : {} }
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
}
