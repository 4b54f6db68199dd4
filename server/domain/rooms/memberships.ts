import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb'
import { LRUCache } from 'lru-cache'
import type { NotifyLevel, PublicUser } from '#shared/types/chat'
import { getServerConfig } from '../../core/config.ts'
import { getDatabase } from '../../storage/database.ts'
import { initialReadMarkers, markersFrom, type ReadMarkers } from './read-markers.ts'
import { MEMBERSHIPS_BY_USERNAME } from '../../storage/tables.ts'

/**
 * Who belongs to which room: one Memberships row per (room, member), queried by room (members,
 * authorisation of private rooms and DMs) and through its index by member (sidebar, socket
 * subscriptions). Everyone belongs to the default rooms without a row; a row there only holds the
 * member's settings. Accounts from before this table kept their joined public rooms in a string
 * set `rooms` on their Users item: it is still read (and cleared on leaving), never added to.
 */
export interface Membership {
  room: string
  username: string
  joinedAt: number
  /** No unread badge and no notification for this room. */
  muted?: boolean
  notify?: NotifyLevel
  /** Messages mentioning this member since they last read the room. */
  mentions?: number
}

/** Members one room lists at most (invites stop there; DMs have at most 8). */
const MEMBERS_MAX = 1000

export async function getMembership(room: string, username: string): Promise<Membership | null> {
  const { doc, tables } = await getDatabase()
  const { Item } = await doc.send(new GetCommand({ TableName: tables.memberships, Key: { room, username } }))
  return (Item as Membership | undefined) ?? null
}

/** Adds a member (idempotent: an existing row, and the settings on it, stay as they are). */
export async function addMember(room: string, username: string): Promise<void> {
  const { doc, tables } = await getDatabase()
  try {
    await doc.send(new PutCommand({
      TableName: tables.memberships,
      Item: { room, username, joinedAt: Date.now() },
      ConditionExpression: 'attribute_not_exists(room)',
    }))
  }
  catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error
  }
  await startReading(room, username)
  forgetReader(username)
}

/**
 * A new member's read marker starts at now (unless they had one): what is said from now on
 * counts as unread, the backlog before does not.
 */
async function startReading(room: string, username: string): Promise<void> {
  const { doc, tables } = await getDatabase()
  const [marker] = Object.values(initialReadMarkers([room]))
  await doc.send(new UpdateCommand({
    TableName: tables.users,
    Key: { username },
    UpdateExpression: 'SET #read = if_not_exists(#read, :marker)',
    ConditionExpression: 'attribute_exists(username)',
    ExpressionAttributeNames: { '#read': `read:${room}` },
    ExpressionAttributeValues: { ':marker': marker },
  })).catch((error: unknown) => {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error
  })
}

export async function removeMember(room: string, username: string): Promise<void> {
  const { doc, tables } = await getDatabase()
  await doc.send(new DeleteCommand({ TableName: tables.memberships, Key: { room, username } }))
  await doc.send(new UpdateCommand({
    TableName: tables.users,
    Key: { username },
    UpdateExpression: 'DELETE rooms :room',
    ConditionExpression: 'attribute_exists(username)',
    ExpressionAttributeValues: { ':room': new Set([room]) },
  })).catch((error: unknown) => {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error
  })
  forgetReader(username)
}

/** A room's members by username (one Query per 1 MB page; bounded by MEMBERS_MAX). */
export async function membersOf(room: string): Promise<string[]> {
  const { doc, tables } = await getDatabase()
  const members: string[] = []
  let start: Record<string, unknown> | undefined
  do {
    const page = await doc.send(new QueryCommand({
      TableName: tables.memberships,
      KeyConditionExpression: '#room = :room',
      ExpressionAttributeNames: { '#room': 'room' },
      ExpressionAttributeValues: { ':room': room },
      ProjectionExpression: 'username',
      ExclusiveStartKey: start,
    }))
    for (const item of page.Items ?? []) members.push(item.username as string)
    start = page.LastEvaluatedKey
  } while (start && members.length < MEMBERS_MAX)
  return members.slice(0, MEMBERS_MAX)
}

/** Changes a member's own settings for a room (creates the row in a default room). */
export async function setMemberSettings(room: string, username: string, settings: { muted?: boolean, notify?: NotifyLevel }): Promise<void> {
  const entries = Object.entries(settings).filter(([, value]) => value !== undefined)
  if (!entries.length) return
  const { doc, tables } = await getDatabase()
  await doc.send(new UpdateCommand({
    TableName: tables.memberships,
    Key: { room, username },
    UpdateExpression: `SET ${entries.map(([name]) => `#${name} = :${name}`).join(', ')}, joinedAt = if_not_exists(joinedAt, :now)`,
    ExpressionAttributeNames: Object.fromEntries(entries.map(([name]) => [`#${name}`, name])),
    ExpressionAttributeValues: { ...Object.fromEntries(entries.map(([name, value]) => [`:${name}`, value])), ':now': Date.now() },
  }))
  forgetReader(username)
}

/** Counts one more unread mention of `username` in `room` (the caller checked membership). */
export async function addMention(room: string, username: string): Promise<void> {
  const { doc, tables } = await getDatabase()
  await doc.send(new UpdateCommand({
    TableName: tables.memberships,
    Key: { room, username },
    UpdateExpression: 'ADD mentions :one SET joinedAt = if_not_exists(joinedAt, :now)',
    ExpressionAttributeValues: { ':one': 1, ':now': Date.now() },
  }))
  forgetReader(username)
}

/** The member read the room: no unread mentions left there. */
export async function clearMentions(room: string, username: string): Promise<void> {
  const { doc, tables } = await getDatabase()
  await doc.send(new UpdateCommand({
    TableName: tables.memberships,
    Key: { room, username },
    UpdateExpression: 'SET mentions = :zero',
    ConditionExpression: 'attribute_exists(room) AND mentions > :zero',
    ExpressionAttributeValues: { ':zero': 0 },
  })).catch((error: unknown) => {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error
  })
  forgetReader(username)
}

/**
 * Looking at or writing in a room the user may read makes an account its member (the room joins
 * their sidebar and every tab subscribes). The caller has checked the user may read the room.
 */
export async function joinOnVisit(user: PublicUser, room: string): Promise<void> {
  if (user.guest || getServerConfig().defaultRooms.includes(room)) return
  if ((await roomsOf(user)).includes(room)) return
  await addMember(room, user.username)
}

/** Rows of one user's rooms, through the by-username index (one Query per page). */
async function membershipsOf(username: string): Promise<Membership[]> {
  const { doc, tables } = await getDatabase()
  const rows: Membership[] = []
  let start: Record<string, unknown> | undefined
  do {
    const page = await doc.send(new QueryCommand({
      TableName: tables.memberships,
      IndexName: MEMBERSHIPS_BY_USERNAME,
      KeyConditionExpression: 'username = :username',
      ExpressionAttributeValues: { ':username': username },
      ExclusiveStartKey: start,
    }))
    rows.push(...(page.Items ?? []) as Membership[])
    start = page.LastEvaluatedKey
  } while (start && rows.length < MEMBERS_MAX)
  return rows
}

/** What one reader's sidebar needs: their rooms (default ones first), read markers and per-room settings. */
export interface ReaderState {
  rooms: string[]
  markers: ReadMarkers
  settings: Record<string, Membership>
}

/**
 * Readers' rooms, markers and settings, per instance, for a few seconds: a burst of listings by
 * one account costs one read of each. Forgotten at once when this instance changes them
 * (`forgetReader`); a change made on another instance shows within READER_TTL_MS.
 */
const READER_TTL_MS = 5_000
const readers = new LRUCache<string, ReaderState>({ max: 10_000, ttl: READER_TTL_MS })

export function forgetReader(username: string): void {
  readers.delete(username)
}

/** The rooms a user belongs to: every default room, then the others by id. */
export async function roomsOf(user: PublicUser): Promise<string[]> {
  return (await roomsAndMarkers(user)).rooms
}

/** The rooms a user belongs to, their read markers and their settings, from one read of their Users item and one Query. */
export async function roomsAndMarkers(user: PublicUser): Promise<ReaderState> {
  const defaults = getServerConfig().defaultRooms
  if (user.guest) return { rooms: defaults, markers: {}, settings: {} }
  const known = readers.get(user.username)
  if (known) return known
  const { doc, tables } = await getDatabase()
  const [{ Item }, rows] = await Promise.all([
    doc.send(new GetCommand({ TableName: tables.users, Key: { username: user.username } })),
    membershipsOf(user.username),
  ])
  const legacy = (Item?.rooms as Set<string> | undefined) ?? new Set<string>()
  const joined = [...new Set([...legacy, ...rows.map(row => row.room)])].sort()
  const state = {
    rooms: [...new Set([...defaults, ...joined])],
    markers: Item ? markersFrom(Item) : {},
    settings: Object.fromEntries(rows.map(row => [row.room, row])),
  }
  readers.set(user.username, state)
  return state
}
