import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb'
import type { PublicUser } from '#shared/types/chat'
import { getDatabase } from '../../storage/database.ts'

/**
 * How far each registered user has read in each room: one `read:<room>` attribute (the newest
 * message id they have seen) on their Users item. Guests have no stored account, so no markers.
 */
const attribute = (room: string) => `read:${room}`
/** Badges show "99+" beyond this; counting further would read the whole backlog. */
const UNREAD_CAP = 100

/**
 * Read markers a new account starts with: its default rooms read up to now, so what is said after
 * it joined counts as unread (even after a reload) and the backlog before it does not.
 */
export function initialReadMarkers(rooms: string[], now = Date.now()): Record<string, string> {
  const marker = `${String(now).padStart(13, '0')}:${'0'.repeat(16)}`
  return Object.fromEntries(rooms.map(room => [attribute(room), marker]))
}

/** Moves the user's marker forward to `message` (never back: a stale tab cannot undo newer reads). */
export async function markRead(user: PublicUser, room: string, message: string): Promise<void> {
  if (user.guest) return
  const { doc, tables } = await getDatabase()
  try {
    await doc.send(new UpdateCommand({
      TableName: tables.users,
      Key: { username: user.username },
      UpdateExpression: 'SET #read = :message',
      ConditionExpression: 'attribute_exists(username) AND (attribute_not_exists(#read) OR #read < :message)',
      ExpressionAttributeNames: { '#read': attribute(room) },
      ExpressionAttributeValues: { ':message': message },
    }))
  }
  catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error
  }
}

export type ReadMarkers = Record<string, string>

/** The read markers on a Users item, by room. */
export function markersFrom(item: Record<string, unknown>): ReadMarkers {
  const markers: ReadMarkers = {}
  for (const [name, value] of Object.entries(item)) {
    if (name.startsWith('read:') && typeof value === 'string') markers[name.slice('read:'.length)] = value
  }
  return markers
}

/** Messages after `marker` in the room (up to UNREAD_CAP; deleted ones are not unread): one Query. */
export async function countUnread(room: string, marker: string): Promise<number> {
  const { doc, tables } = await getDatabase()
  const { Count } = await doc.send(new QueryCommand({
    TableName: tables.messages,
    KeyConditionExpression: '#room = :room AND message > :marker',
    // Limit counts before the filter: the cap stays a bound on reads.
    FilterExpression: 'attribute_not_exists(deleted)',
    ExpressionAttributeNames: { '#room': 'room' },
    ExpressionAttributeValues: { ':room': room, ':marker': marker },
    Select: 'COUNT',
    Limit: UNREAD_CAP,
  }))
  return Count ?? 0
}
