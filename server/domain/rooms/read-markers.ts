import type { PublicUser } from '#shared/types/chat'
import { countMessagesAfter } from '../../storage/messages-table.ts'
import { advanceReadMarker } from '../../storage/users-table.ts'

/**
 * How far each registered user has read in each room: the newest message id they have seen
 * there, kept on their Users item. Guests have no stored account, so no markers.
 */
export type ReadMarkers = Record<string, string>

/** Badges show "99+" beyond this; counting further would read the whole backlog. */
const UNREAD_CAP = 100

/** A marker just before any message sent from `now` on. */
export function markerAt(now = Date.now()): string {
  return `${String(now).padStart(13, '0')}:${'0'.repeat(16)}`
}

/**
 * Read markers a new account starts with: its default rooms read up to now, so what is said after
 * it joined counts as unread (even after a reload) and the backlog before it does not.
 */
export function initialReadMarkers(rooms: string[], now = Date.now()): ReadMarkers {
  return Object.fromEntries(rooms.map(room => [room, markerAt(now)]))
}

/** Moves the user's marker forward to `message` (never back: a stale tab cannot undo newer reads). */
export async function markRead(user: PublicUser, room: string, message: string): Promise<void> {
  if (user.guest) return
  await advanceReadMarker(user.username, room, message)
}

/** Messages after `marker` in the room (up to UNREAD_CAP; deleted ones are not unread): one Query. */
export function countUnread(room: string, marker: string): Promise<number> {
  return countMessagesAfter(room, marker, UNREAD_CAP)
}
