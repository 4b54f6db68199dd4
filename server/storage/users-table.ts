import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb'
import type { PersonStatus } from '#shared/types/chat'
import { conditionally, getDatabase, setAttribute } from './database.ts'

/**
 * The Users table (`username`): accounts (guests are never stored), their display names, and how
 * far each has read in each room (`read:<room>`: the newest message id seen there). Accounts from
 * before the Memberships table keep their joined public rooms in the legacy string set `rooms`.
 */
export type UserItem = {
  username: string
  passwordHash: string
  email?: string
  avatar: string
  createdAt: number
  displayName?: string
  /** The colour mode chosen in the account menu (light, dark, system). */
  colorMode?: string
  /** The status set in the account menu, ended or not (ended ones are dropped on read). */
  status?: StatusAttribute
  rooms?: Set<string>
  [marker: `read:${string}`]: string
}

/** A status as stored: a map; no `expiresAt` means "don't clear" (DynamoDB keeps no null here). */
interface StatusAttribute {
  emoji: string
  text: string
  expiresAt?: number
}

function toStatusAttribute(status: PersonStatus): StatusAttribute {
  return { emoji: status.emoji, text: status.text, ...(status.expiresAt === null ? {} : { expiresAt: status.expiresAt }) }
}

function fromStatusAttribute(raw: unknown): PersonStatus | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined
  const { emoji, text, expiresAt } = raw as Record<string, unknown>
  if (typeof emoji !== 'string' || typeof text !== 'string') return undefined
  return { emoji, text, expiresAt: typeof expiresAt === 'number' ? expiresAt : null }
}

/** What a reader's sidebar needs of their Users item. */
export interface ReaderItem {
  /** Read markers by room. */
  markers: Record<string, string>
  /** Public rooms joined before the Memberships table (still read, never added to). */
  legacyRooms: string[]
}

const MARKER = 'read:'
const markerAttribute = (room: string) => `${MARKER}${room}`

/** A new account with its first read markers; false when the username is taken. */
export async function putNewUser(item: Omit<UserItem, `read:${string}`>, markers: Record<string, string>): Promise<boolean> {
  const { doc, tables } = await getDatabase()
  const Item = { ...item, ...Object.fromEntries(Object.entries(markers).map(([room, marker]) => [markerAttribute(room), marker])) }
  return await conditionally(doc.send(new PutCommand({ TableName: tables.users, Item, ConditionExpression: 'attribute_not_exists(username)' }))) !== null
}

/** An account's sign-in record, or null. */
export async function getCredentials(username: string): Promise<Pick<UserItem, 'username' | 'avatar' | 'passwordHash'> | null> {
  const { doc, tables } = await getDatabase()
  const { Item } = await doc.send(new GetCommand({ TableName: tables.users, Key: { username }, ProjectionExpression: 'username, avatar, passwordHash' }))
  return Item ? { username: String(Item.username), avatar: String(Item.avatar), passwordHash: String(Item.passwordHash) } : null
}

/** How an account shows to others, or null. Its status is as stored: it may have ended. */
export async function getProfileItem(username: string): Promise<{ displayName?: string, avatar: string, status?: PersonStatus } | null> {
  const { doc, tables } = await getDatabase()
  const { Item } = await doc.send(new GetCommand({ TableName: tables.users, Key: { username }, ProjectionExpression: 'displayName, avatar, #status', ExpressionAttributeNames: { '#status': 'status' } }))
  if (!Item) return null
  const status = fromStatusAttribute(Item.status)
  return { avatar: String(Item.avatar), ...(typeof Item.displayName === 'string' ? { displayName: Item.displayName } : {}), ...(status ? { status } : {}) }
}

/** Sets (or with null, removes) an existing account's status. */
export async function updateStatus(username: string, status: PersonStatus | null): Promise<void> {
  if (status) return setAttribute('users', { username }, 'status', toStatusAttribute(status))
  const { doc, tables } = await getDatabase()
  await doc.send(new UpdateCommand({
    TableName: tables.users,
    Key: { username },
    UpdateExpression: 'REMOVE #status',
    ConditionExpression: 'attribute_exists(username)',
    ExpressionAttributeNames: { '#status': 'status' },
  }))
}

/** A reader's markers and legacy rooms (empty for an account that does not exist). */
export async function getReaderItem(username: string): Promise<ReaderItem> {
  const { doc, tables } = await getDatabase()
  const { Item } = await doc.send(new GetCommand({ TableName: tables.users, Key: { username } }))
  const markers: Record<string, string> = {}
  for (const [name, value] of Object.entries(Item ?? {})) {
    if (name.startsWith(MARKER) && typeof value === 'string') markers[name.slice(MARKER.length)] = value
  }
  const legacy = Item?.rooms
  return { markers, legacyRooms: legacy instanceof Set ? [...legacy].map(String) : [] }
}

/** Sets an existing account's display name; the one it had before, if any. */
export async function updateDisplayName(username: string, displayName: string): Promise<string | undefined> {
  const { doc, tables } = await getDatabase()
  const { Attributes } = await doc.send(new UpdateCommand({
    TableName: tables.users,
    Key: { username },
    UpdateExpression: 'SET displayName = :name',
    ConditionExpression: 'attribute_exists(username)',
    ExpressionAttributeValues: { ':name': displayName },
    ReturnValues: 'UPDATED_OLD',
  }))
  return typeof Attributes?.displayName === 'string' ? Attributes.displayName : undefined
}

export function updatePasswordHash(username: string, passwordHash: string): Promise<void> {
  return setAttribute('users', { username }, 'passwordHash', passwordHash)
}

/** An account's marker in `room` as stored now (read consistently: a tab may have just moved it), or null. */
export async function getReadMarker(username: string, room: string): Promise<string | null> {
  const { doc, tables } = await getDatabase()
  const { Item } = await doc.send(new GetCommand({
    TableName: tables.users,
    Key: { username },
    ProjectionExpression: '#read',
    ExpressionAttributeNames: { '#read': markerAttribute(room) },
    ConsistentRead: true,
  }))
  const marker = Item?.[markerAttribute(room)]
  return typeof marker === 'string' ? marker : null
}

/** Keeps an account's colour mode. */
export function updateColorMode(username: string, colorMode: string): Promise<void> {
  return setAttribute('users', { username }, 'colorMode', colorMode)
}

/** An account's colour mode as kept, or null when it never chose one. */
export async function getColorMode(username: string): Promise<string | null> {
  const { doc, tables } = await getDatabase()
  const { Item } = await doc.send(new GetCommand({ TableName: tables.users, Key: { username }, ProjectionExpression: 'colorMode' }))
  return typeof Item?.colorMode === 'string' ? Item.colorMode : null
}

/** Moves an account's marker in `room` forward to `message`, never back (a stale tab cannot undo newer reads). */
export async function advanceReadMarker(username: string, room: string, message: string): Promise<void> {
  await updateMarker(username, room, message, 'SET #read = :marker', 'attribute_exists(username) AND (attribute_not_exists(#read) OR #read < :marker)')
}

/** Gives an account a marker in `room` unless it has one already. */
export async function startReadMarker(username: string, room: string, marker: string): Promise<void> {
  await updateMarker(username, room, marker, 'SET #read = if_not_exists(#read, :marker)', 'attribute_exists(username)')
}

async function updateMarker(username: string, room: string, marker: string, update: string, condition: string): Promise<void> {
  const { doc, tables } = await getDatabase()
  // Refused when there is no such account (a guest), or the marker is already further on.
  await conditionally(doc.send(new UpdateCommand({
    TableName: tables.users,
    Key: { username },
    UpdateExpression: update,
    ConditionExpression: condition,
    ExpressionAttributeNames: { '#read': markerAttribute(room) },
    ExpressionAttributeValues: { ':marker': marker },
  })))
}

/** Takes `room` out of an account's legacy set of joined rooms. */
export async function removeLegacyRoom(username: string, room: string): Promise<void> {
  const { doc, tables } = await getDatabase()
  await conditionally(doc.send(new UpdateCommand({
    TableName: tables.users,
    Key: { username },
    UpdateExpression: 'DELETE rooms :room',
    ConditionExpression: 'attribute_exists(username)',
    ExpressionAttributeValues: { ':room': new Set([room]) },
  })))
}
