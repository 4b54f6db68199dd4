import type { RoomPresenceEvent, RoomViewers } from '#shared/types/chat'
import type { Presence } from '../services/presence.ts'
import { log } from '../core/logger.ts'
import { viewersRoom } from './types.ts'

/** What the announcer uses of the server. */
interface Io {
  to: (room: string) => { emit: (event: 'room members', payload: RoomPresenceEvent) => boolean }
}

/** A room's list goes out at most once per this window from one instance. */
const WINDOW_MS = 1_000

/**
 * Tells the people who have a room on screen who else does ('room members'). Only they are told
 * (the sidebar of everyone else never shows it), and a room's list leaves this instance at most once
 * a second: the first change of a window goes out at once, later ones are folded into one list read
 * when the window ends. In a 5,000-member room with 500 people looking, each list is ~30 KB to each
 * of them: sent per join and leave, a morning's arrivals would cost gigabytes (docs/capacity.md).
 * Lists are versioned, so a tab keeps the newest whichever instance's arrives first.
 */
export function createViewerAnnouncer(io: Io, presence: Pick<Presence, 'viewers'>) {
  const windows = new Map<string, { pending: boolean }>()

  function send(room: string, viewers: RoomViewers): void {
    io.to(viewersRoom(room)).emit('room members', { room, ...viewers })
  }

  function close(room: string): void {
    const window = windows.get(room)
    windows.delete(room)
    if (!window?.pending) return
    // Folded changes: the list as it is now, which opens the next window.
    windows.set(room, { pending: false })
    setTimeout(() => close(room), WINDOW_MS).unref()
    presence.viewers(room).then(viewers => send(room, viewers), (error: unknown) => log.warn('presence.viewers_failed', { room, error }))
  }

  /** The room's viewers changed; `viewers` is the list the change answered with, when there is one. */
  return function announceViewers(room: string, viewers?: RoomViewers): void {
    const window = windows.get(room)
    if (window) {
      window.pending = true
      return
    }
    windows.set(room, { pending: !viewers })
    setTimeout(() => close(room), viewers ? WINDOW_MS : 0).unref()
    if (viewers) send(room, viewers)
  }
}
