import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb'
import { conditionally, getDatabase, queryPages, type Database } from './database.ts'
import { THREADS_BY_FOLLOWER } from './tables.ts'

/**
 * The Threads table (`key` + `entry`, index `by-follower`). Two kinds of rows:
 * - a thread's entries, `r#<room>#<parent>` + reply id: one Query lists a thread, oldest first
 *   (the replies themselves are Messages items in their room's partition);
 * - a follower's row, `f#<room>#<parent>` + username, with `follower` and `activity` (the
 *   thread's newest reply id) while they follow it, so the sparse index lists a person's threads
 *   newest activity first; `unread` counts replies since they last read it: those after `readTo`
 *   (the newest reply they had read, replied or unfollowed at) and from `countedFrom` (the first
 *   reply counted for them), so a deleted reply lowers exactly the counts it raised. Unfollowing by hand
 *   keeps the row (without `follower`) marked `unfollowed`, so being the parent's author no longer
 *   makes them follow; replying or being mentioned does again.
 * Room ids cannot contain `#`, so the keys cannot collide.
 */
export type ThreadEntryItem = { key: string, entry: string }

export type FollowItem = {
  key: string
  entry: string
  room: string
  parent: string
  follower?: string
  activity?: string
  unread?: number
  readTo?: string
  countedFrom?: string
  unfollowed?: true
}

const entriesKey = (room: string, parent: string) => `r#${room}#${parent}`
const followersKey = (room: string, parent: string) => `f#${room}#${parent}`

/** The entry a reply adds to its thread; stored in the reply's own write (storage/message-writer.ts). */
export function threadEntryRequest(tables: Database['tables'], room: string, parent: string, reply: string): { table: string, put: ThreadEntryItem } {
  return { table: tables.threads, put: { key: entriesKey(room, parent), entry: reply } }
}

/** Reply ids of a thread after `after` (oldest first), or the newest `limit` (newest first) with `newest`. */
export async function queryThreadEntries(room: string, parent: string, options: { after?: string, limit: number, newest?: boolean }): Promise<{ ids: string[], more: boolean }> {
  const { doc, tables } = await getDatabase()
  const page = await doc.send(new QueryCommand({
    TableName: tables.threads,
    KeyConditionExpression: options.after ? '#key = :key AND entry > :after' : '#key = :key',
    ExpressionAttributeNames: { '#key': 'key' },
    ExpressionAttributeValues: { ':key': entriesKey(room, parent), ...(options.after ? { ':after': options.after } : {}) },
    ProjectionExpression: 'entry',
    ScanIndexForward: !options.newest,
    Limit: options.limit,
  }))
  return { ids: (page.Items ?? []).map(item => String(item.entry)), more: Boolean(page.LastEvaluatedKey) }
}

function followFromItem(item: Record<string, unknown>): FollowItem {
  return item as FollowItem
}

/** Every follower row of a thread (followers and those who unfollowed by hand). */
export async function queryFollowRows(room: string, parent: string): Promise<FollowItem[]> {
  const { tables } = await getDatabase()
  return (await queryPages({
    TableName: tables.threads,
    KeyConditionExpression: '#key = :key',
    ExpressionAttributeNames: { '#key': 'key' },
    ExpressionAttributeValues: { ':key': followersKey(room, parent) },
  })).map(followFromItem)
}

export async function getFollowRow(room: string, parent: string, username: string): Promise<FollowItem | null> {
  const { doc, tables } = await getDatabase()
  const { Item } = await doc.send(new GetCommand({ TableName: tables.threads, Key: { key: followersKey(room, parent), entry: username } }))
  return Item ? followFromItem(Item) : null
}

/**
 * Replies reached a follower: their row moves to the newest reply's activity and counts `unread`
 * more of them unread, the first being `from` (`'reset'` for someone who replied, and so has read
 * it). `unlessUnfollowed`: only if they did not unfollow by hand (a parent's author, a follower);
 * otherwise (replying, being mentioned) they follow again. The row after the update, or null when
 * the condition refused.
 */
export async function noteFollowerActivity(room: string, parent: string, username: string, activity: string, change: { unread: number | 'reset', from: string, unlessUnfollowed: boolean }): Promise<FollowItem | null> {
  const { doc, tables } = await getDatabase()
  const reset = change.unread === 'reset'
  const updated = await conditionally(doc.send(new UpdateCommand({
    TableName: tables.threads,
    Key: { key: followersKey(room, parent), entry: username },
    UpdateExpression: reset
      ? 'SET follower = :me, activity = :activity, #room = :room, parent = :parent, unread = :zero, readTo = :activity REMOVE unfollowed'
      : 'SET follower = :me, activity = :activity, #room = :room, parent = :parent, countedFrom = if_not_exists(countedFrom, :from) REMOVE unfollowed ADD unread :more',
    ...(change.unlessUnfollowed ? { ConditionExpression: 'attribute_not_exists(unfollowed)' } : {}),
    ExpressionAttributeNames: { '#room': 'room' },
    ExpressionAttributeValues: { ':me': username, ':activity': activity, ':room': room, ':parent': parent, ...(reset ? { ':zero': 0 } : { ':more': change.unread, ':from': change.from }) },
    ReturnValues: 'ALL_NEW',
  })))
  return updated?.Attributes ? followFromItem(updated.Attributes) : null
}

/**
 * A reply was deleted: a follower whose count included it (after what they had read, from the
 * first reply counted for them) counts one fewer. The row after the update, or null when their
 * count did not include it.
 */
export async function uncountFollowerReply(room: string, parent: string, username: string, reply: string): Promise<FollowItem | null> {
  const { doc, tables } = await getDatabase()
  const updated = await conditionally(doc.send(new UpdateCommand({
    TableName: tables.threads,
    Key: { key: followersKey(room, parent), entry: username },
    UpdateExpression: 'ADD unread :less',
    ConditionExpression: 'unread > :zero AND (attribute_not_exists(readTo) OR readTo < :reply) AND (attribute_not_exists(countedFrom) OR countedFrom <= :reply)',
    ExpressionAttributeValues: { ':less': -1, ':zero': 0, ':reply': reply },
    ReturnValues: 'ALL_NEW',
  })))
  return updated?.Attributes ? followFromItem(updated.Attributes) : null
}

/** Follows a thread by hand (at its current activity), or unfollows it (the row stays, marked). */
export async function setFollowing(room: string, parent: string, username: string, following: boolean, activity: string): Promise<void> {
  const { doc, tables } = await getDatabase()
  await doc.send(new UpdateCommand({
    TableName: tables.threads,
    Key: { key: followersKey(room, parent), entry: username },
    UpdateExpression: following
      ? 'SET follower = :me, activity = if_not_exists(activity, :activity), #room = :room, parent = :parent REMOVE unfollowed'
      : 'SET unfollowed = :yes, #room = :room, parent = :parent, unread = :zero, readTo = if_not_exists(activity, :activity) REMOVE follower',
    ExpressionAttributeNames: { '#room': 'room' },
    ExpressionAttributeValues: following
      ? { ':me': username, ':activity': activity, ':room': room, ':parent': parent }
      : { ':yes': true, ':room': room, ':parent': parent, ':zero': 0, ':activity': activity },
  }))
}

/** The reader has read the thread: its unread count goes back to 0 (only on a row that exists). */
export async function markFollowRead(room: string, parent: string, username: string): Promise<boolean> {
  const { doc, tables } = await getDatabase()
  return await conditionally(doc.send(new UpdateCommand({
    TableName: tables.threads,
    Key: { key: followersKey(room, parent), entry: username },
    UpdateExpression: 'SET unread = :zero, readTo = activity',
    ConditionExpression: 'attribute_exists(entry) AND unread > :zero AND attribute_exists(activity)',
    ExpressionAttributeValues: { ':zero': 0 },
  }))) !== null
}

/** The threads `username` follows, newest activity first: one Query of the index. */
export async function queryFollowedThreads(username: string, limit: number): Promise<FollowItem[]> {
  const { doc, tables } = await getDatabase()
  const page = await doc.send(new QueryCommand({
    TableName: tables.threads,
    IndexName: THREADS_BY_FOLLOWER,
    KeyConditionExpression: 'follower = :me',
    ExpressionAttributeValues: { ':me': username },
    ScanIndexForward: false,
    Limit: limit,
  }))
  return (page.Items ?? []).map(followFromItem)
}
