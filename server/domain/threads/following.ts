import type { ChatMessage, FollowedThread, PublicUser, Room } from '#shared/types/chat'
import { ForbiddenError, NotFoundError } from '../../core/errors.ts'
import { getMessageItem, batchGetMessageItems } from '../../storage/messages-table.ts'
import { markFollowRead, noteFollowerActivity, queryFollowRows, queryFollowedThreads, setFollowing, uncountFollowerReply } from '../../storage/threads-table.ts'
import { isMember, readableRooms, requireReadableRoom } from '../rooms/access.ts'
import { isPrivate } from '../rooms/rooms.ts'
import { announce } from '../events.ts'
import { rendered } from '../messages/messages.ts'

/** Followed threads listed at most. */
const LISTED = 50

/**
 * Who follows a thread after replies (those of one parent stored together, threads.ts): the
 * parent's author (unless they unfollowed by hand), everyone who replied and everyone the thread
 * mentioned (they follow again even if they had unfollowed), and whoever followed by hand. Each
 * follower's row moves to the newest reply and counts the replies unread (not for those who
 * replied); each follower's tabs hear `thread activity` with their count.
 */
export async function followReplies(room: Room, parent: ChatMessage, replies: ChatMessage[]): Promise<void> {
  const newest = replies.reduce((a, b) => (a.id > b.id ? a : b))
  const oldest = replies.reduce((a, b) => (a.id < b.id ? a : b))
  const activity = newest.id
  const rows = await queryFollowRows(room.id, parent.id)
  const unfollowed = new Set(rows.filter(row => row.unfollowed).map(row => row.entry))
  const repliers = new Set(replies.map(reply => reply.username))
  const rejoin = new Set(replies.flatMap(reply => [reply.username, ...reply.mentions ?? []]).filter(name => !name.startsWith('anonymous_') && name !== 'room'))
  const keep = new Set([parent.username, ...rows.filter(row => row.follower).map(row => row.entry)].filter(name => !unfollowed.has(name) && !name.startsWith('anonymous_')))
  const candidates = [...new Set([...rejoin, ...keep])]
  // Someone removed from a private room hears nothing more of its threads.
  const allowed = isPrivate(room) ? await Promise.all(candidates.map(username => isMember({ username, avatar: '', guest: false }, room))) : null
  const followers = candidates.filter((_, i) => !allowed || allowed[i])
  await Promise.all(followers.map(async (username) => {
    const row = await noteFollowerActivity(room.id, parent.id, username, activity, {
      unread: repliers.has(username) ? 'reset' : replies.length,
      from: oldest.id,
      unlessUnfollowed: !rejoin.has(username),
    })
    if (row) await announce('chat:thread-activity', { username, activity: { room: room.id, id: parent.id, unread: row.unread ?? 0, activity, from: newest.username } })
  }))
}

/**
 * A reply was deleted: the followers who counted it unread count one fewer, on all their tabs.
 * (A deletion that overtakes the counting of its own reply leaves that one count raised.)
 */
export async function uncountForFollowers(tombstone: ChatMessage): Promise<void> {
  const parent = tombstone.thread!
  const rows = await queryFollowRows(tombstone.room, parent)
  await Promise.all(rows.filter(row => row.follower && (row.unread ?? 0) > 0).map(async (row) => {
    const after = await uncountFollowerReply(tombstone.room, parent, row.entry, tombstone.id)
    if (after) await announce('chat:thread-activity', { username: row.entry, activity: { room: tombstone.room, id: parent, unread: after.unread ?? 0 } })
  }))
}

/** Follows (or unfollows) a thread by hand, for someone who may read its room. */
export async function follow(reader: PublicUser, room: string, id: string, following: boolean): Promise<{ following: boolean }> {
  const { id: roomId } = await requireReadableRoom(reader, room)
  const parent = await getMessageItem(roomId, id)
  if (!parent || parent.thread) throw new NotFoundError('There is no such thread in this room')
  if (reader.guest) throw new ForbiddenError('Guests cannot follow threads: create an account to follow one')
  await setFollowing(roomId, id, reader.username, following, id)
  return { following }
}

/** The reader has read a thread: its unread count goes to 0, on all their tabs. */
export async function markThreadRead(reader: PublicUser, room: string, id: string): Promise<void> {
  const { id: roomId } = await requireReadableRoom(reader, room)
  if (reader.guest) return
  if (await markFollowRead(roomId, id, reader.username)) {
    await announce('chat:thread-activity', { username: reader.username, activity: { room: roomId, id, unread: 0 } })
  }
}

/**
 * The threads someone follows, newest activity first (one Query of the by-follower index, then
 * the parents in one BatchGetItem), in rooms they may still read.
 */
export async function listFollowedThreads(reader: PublicUser): Promise<FollowedThread[]> {
  if (reader.guest) return []
  const rows = await queryFollowedThreads(reader.username, LISTED)
  if (!rows.length) return []
  const readable = new Set((await readableRooms(reader, [...new Set(rows.map(row => row.room))])).map(room => room.id))
  const mine = rows.filter(row => readable.has(row.room))
  const parents = new Map((await batchGetMessageItems(mine.map(row => ({ room: row.room, id: row.parent })))).map(m => [`${m.room}#${m.id}`, rendered(m)]))
  return mine.flatMap((row) => {
    const parent = parents.get(`${row.room}#${row.parent}`)
    return parent ? [{ room: row.room, parent, unread: row.unread ?? 0, activity: row.activity ?? row.parent }] : []
  })
}
