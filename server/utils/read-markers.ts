import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb'
import type { PublicUser } from '#shared/types/chat'
import { getDatabase } from './database.ts'

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

/** Messages after the user's marker in each room (up to UNREAD_CAP); rooms never read count 0. */
export async function unreadCounts(user: PublicUser, rooms: string[]): Promise<Record<string, number>> {
  if (user.guest) return {}
  const { doc, tables } = await getDatabase()
  const { Item } = await doc.send(new GetCommand({ TableName: tables.users, Key: { username: user.username } }))
  const counts: Record<string, number> = {}
  await Promise.all(rooms.map(async (room) => {
    const marker = Item?.[attribute(room)] as string | undefined
    if (!marker) return
    const { Count } = await doc.send(new QueryCommand({
      TableName: tables.messages,
      KeyConditionExpression: '#room = :room AND message > :marker',
      ExpressionAttributeNames: { '#room': 'room' },
      ExpressionAttributeValues: { ':room': room, ':marker': marker },
      Select: 'COUNT',
      Limit: UNREAD_CAP,
    }))
    counts[room] = Count ?? 0
  }))
  return counts
}
