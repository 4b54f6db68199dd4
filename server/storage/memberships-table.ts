import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb'
import type { NotifyLevel } from '#shared/types/chat'
import { conditionally, getDatabase, queryPages } from './database.ts'
import { MEMBERSHIPS_BY_USERNAME } from './tables.ts'

/**
 * The Memberships table (`room` + `username`, index `by-username`): one row per (room, member),
 * holding the member's own settings for the room and their unread mentions there.
 */
export type MembershipItem = {
  room: string
  username: string
  joinedAt: number
  /** No unread badge and no notification for this room. */
  muted?: boolean
  notify?: NotifyLevel
  /** Messages mentioning this member since they last read the room. */
  mentions?: number
}

function membershipFromItem(item: Record<string, unknown>): MembershipItem {
  return {
    room: String(item.room),
    username: String(item.username),
    joinedAt: Number(item.joinedAt ?? 0),
    ...(typeof item.muted === 'boolean' ? { muted: item.muted } : {}),
    ...(item.notify === 'all' || item.notify === 'mentions' || item.notify === 'nothing' ? { notify: item.notify } : {}),
    ...(typeof item.mentions === 'number' ? { mentions: item.mentions } : {}),
  }
}

export async function getMembershipItem(room: string, username: string): Promise<MembershipItem | null> {
  const { doc, tables } = await getDatabase()
  const { Item } = await doc.send(new GetCommand({ TableName: tables.memberships, Key: { room, username } }))
  return Item ? membershipFromItem(Item) : null
}

/** Adds a row unless one exists (an existing row, and the settings on it, stay as they are); true when added. */
export async function putMembershipIfAbsent(room: string, username: string, joinedAt: number): Promise<boolean> {
  const { doc, tables } = await getDatabase()
  return await conditionally(doc.send(new PutCommand({ TableName: tables.memberships, Item: { room, username, joinedAt }, ConditionExpression: 'attribute_not_exists(room)' }))) !== null
}

export async function deleteMembership(room: string, username: string): Promise<void> {
  const { doc, tables } = await getDatabase()
  await doc.send(new DeleteCommand({ TableName: tables.memberships, Key: { room, username } }))
}

/** The usernames of a room's rows (one Query per 1 MB page), at most `max`. */
export async function queryMemberNames(room: string, max: number): Promise<string[]> {
  const { tables } = await getDatabase()
  const items = await queryPages({
    TableName: tables.memberships,
    KeyConditionExpression: '#room = :room',
    ExpressionAttributeNames: { '#room': 'room' },
    ExpressionAttributeValues: { ':room': room },
    ProjectionExpression: 'username',
  }, max)
  return items.slice(0, max).map(item => String(item.username))
}

/** One member's rows, through the by-username index (one Query per page), at most about `max`. */
export async function queryMembershipsOf(username: string, max: number): Promise<MembershipItem[]> {
  const { tables } = await getDatabase()
  const items = await queryPages({
    TableName: tables.memberships,
    IndexName: MEMBERSHIPS_BY_USERNAME,
    KeyConditionExpression: 'username = :username',
    ExpressionAttributeValues: { ':username': username },
  }, max)
  return items.map(membershipFromItem)
}

/** Sets a member's own settings, creating the row if needed (settings in a default room). */
export async function updateMembershipSettings(room: string, username: string, settings: { muted?: boolean, notify?: NotifyLevel }, now: number): Promise<void> {
  const entries = Object.entries(settings).filter(([, value]) => value !== undefined)
  if (!entries.length) return
  const { doc, tables } = await getDatabase()
  await doc.send(new UpdateCommand({
    TableName: tables.memberships,
    Key: { room, username },
    UpdateExpression: `SET ${entries.map(([name]) => `#${name} = :${name}`).join(', ')}, joinedAt = if_not_exists(joinedAt, :now)`,
    ExpressionAttributeNames: Object.fromEntries(entries.map(([name]) => [`#${name}`, name])),
    ExpressionAttributeValues: { ...Object.fromEntries(entries.map(([name, value]) => [`:${name}`, value])), ':now': now },
  }))
}

/** Counts one more unread mention on the row (created if needed). */
export async function incrementMentions(room: string, username: string, now: number): Promise<void> {
  const { doc, tables } = await getDatabase()
  await doc.send(new UpdateCommand({
    TableName: tables.memberships,
    Key: { room, username },
    UpdateExpression: 'ADD mentions :one SET joinedAt = if_not_exists(joinedAt, :now)',
    ExpressionAttributeValues: { ':one': 1, ':now': now },
  }))
}

/** No unread mentions left on the row (nothing written when there were none). */
export async function resetMentions(room: string, username: string): Promise<void> {
  const { doc, tables } = await getDatabase()
  await conditionally(doc.send(new UpdateCommand({
    TableName: tables.memberships,
    Key: { room, username },
    UpdateExpression: 'SET mentions = :zero',
    ConditionExpression: 'attribute_exists(room) AND mentions > :zero',
    ExpressionAttributeValues: { ':zero': 0 },
  })))
}
