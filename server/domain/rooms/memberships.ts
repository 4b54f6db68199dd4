import { LRUCache } from 'lru-cache'
import type { NotifyLevel, PublicUser } from '#shared/types/chat'
import { getServerConfig } from '../../core/config.ts'
import { deleteMembership, getMembershipItem, incrementMentions, putMembershipIfAbsent, queryMemberNames, queryMembershipsOf, resetMentions, updateMembershipSettings, type MembershipItem } from '../../storage/memberships-table.ts'
import { getReaderItem, removeLegacyRoom, startReadMarker } from '../../storage/users-table.ts'
import { markerAt, type ReadMarkers } from './read-markers.ts'

/**
 * Who belongs to which room: one Memberships row per (room, member), queried by room (members,
 * authorisation of private rooms and DMs) and through its index by member (sidebar, socket
 * subscriptions). Everyone belongs to the default rooms without a row; a row there only holds the
 * member's settings. Accounts from before this table kept their joined public rooms in a string
 * set `rooms` on their Users item: it is still read (and cleared on leaving), never added to.
 */
export type Membership = MembershipItem

/** Members one room lists at most (invites stop there; DMs have at most 8). */
const MEMBERS_MAX = 1000

export function getMembership(room: string, username: string): Promise<Membership | null> {
  return getMembershipItem(room, username)
}

/**
 * Adds a member (idempotent: an existing row, and the settings on it, stay as they are). A new
 * member's read marker starts at now (unless they had one): what is said from now on counts as
 * unread, the backlog before does not. True when the row is new.
 */
export async function addMember(room: string, username: string): Promise<boolean> {
  const added = await putMembershipIfAbsent(room, username, Date.now())
  await startReadMarker(username, room, markerAt())
  forgetReader(username)
  return added
}

export async function removeMember(room: string, username: string): Promise<void> {
  await deleteMembership(room, username)
  await removeLegacyRoom(username, room)
  forgetReader(username)
}

/** A room's members by username (bounded by MEMBERS_MAX). */
export function membersOf(room: string): Promise<string[]> {
  return queryMemberNames(room, MEMBERS_MAX)
}

/** Changes a member's own settings for a room (creates the row in a default room). */
export async function setMemberSettings(room: string, username: string, settings: { muted?: boolean, notify?: NotifyLevel }): Promise<void> {
  await updateMembershipSettings(room, username, settings, Date.now())
  forgetReader(username)
}

/** Counts one more unread mention of `username` in `room` (the caller checked membership). */
export async function addMention(room: string, username: string): Promise<void> {
  await incrementMentions(room, username, Date.now())
  forgetReader(username)
}

/** The member read the room: no unread mentions left there. */
export async function clearMentions(room: string, username: string): Promise<void> {
  await resetMentions(room, username)
  forgetReader(username)
}

/**
 * Looking at or writing in a room the user may read makes an account its member (the room joins
 * their sidebar and every tab subscribes). The caller has checked the user may read the room.
 * True when this made them a member.
 */
export async function joinOnVisit(user: PublicUser, room: string): Promise<boolean> {
  if (user.guest || getServerConfig().defaultRooms.includes(room)) return false
  if ((await roomsOf(user)).includes(room)) return false
  return addMember(room, user.username)
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
  const [{ markers, legacyRooms }, rows] = await Promise.all([getReaderItem(user.username), queryMembershipsOf(user.username, MEMBERS_MAX)])
  const joined = [...new Set([...legacyRooms, ...rows.map(row => row.room)])].sort()
  const state = {
    rooms: [...new Set([...defaults, ...joined])],
    markers,
    settings: Object.fromEntries(rows.map(row => [row.room, row])),
  }
  readers.set(user.username, state)
  return state
}
