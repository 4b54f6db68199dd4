import type { PresenceChange, PresenceCount } from '#shared/types/chat'
import type { Presence } from '../services/presence.ts'

/** What the announcer uses of the server. */
interface Io {
  engine: { clientsCount: number }
  emit: ((event: 'presence', payload: PresenceCount) => boolean) & ((event: 'user joined' | 'user left', payload: PresenceChange) => boolean)
}

/** Frames a second this instance may spend on announcements (each goes to every socket). */
const FRAMES_PER_SECOND = 20_000
const SUMMARY_EVERY_MS = 1_000

/**
 * 'user joined' / 'user left' go to every connected socket, so a burst of sign-ins (a deploy
 * moving thousands of clients at once) would cost sign-ins × sockets frames: 4,000 sign-ins among
 * 5,000 sockets took five minutes. Announcements are sent one by one, as the original protocol
 * does, while they cost under FRAMES_PER_SECOND (400 a second with 50 sockets, 4 with 5,000);
 * past that, the rest are folded into one 'presence' { numUsers } update a second.
 */
export function createAnnouncer(io: Io, presence: Pick<Presence, 'online'>) {
  let windowStart = 0
  let sentInWindow = 0
  let summaryDue: NodeJS.Timeout | null = null

  function summarise() {
    if (summaryDue) return
    summaryDue = setTimeout(() => {
      summaryDue = null
      presence.online().then(count => io.emit('presence', count), () => {})
    }, SUMMARY_EVERY_MS)
    summaryDue.unref()
  }

  return function announce(event: 'user joined' | 'user left', payload: PresenceChange): void {
    const now = Date.now()
    if (now - windowStart >= 1000) {
      windowStart = now
      sentInWindow = 0
    }
    const budget = Math.max(1, Math.floor(FRAMES_PER_SECOND / Math.max(1, io.engine.clientsCount)))
    if (sentInWindow < budget) {
      sentInWindow++
      // To every socket, the newcomer's own included, as the original protocol's io.emit did.
      io.emit(event, payload)
    }
    else {
      summarise()
    }
  }
}
