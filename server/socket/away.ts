import type { Presence } from '../services/presence.ts'
import { log } from '../core/logger.ts'
import type { ChatServer } from './types.ts'

/** How often this instance looks for people gone idle: a quarter of the period, within 0.25–15 s. */
export const sweepEvery = (awayAfterMs: number) => Math.min(15_000, Math.max(250, Math.floor(awayAfterMs / 4)))

/**
 * Away: someone none of whose tabs has seen activity for `awayAfterMs` (tabs report it at most once a
 * minute, and a connection counts). Each instance sweeps the people online on it; Redis decides who
 * goes away (or comes back) once for the cluster, and that instance tells every instance, each of
 * which re-announces only the rooms that person looks at from it, through the coalesced viewer
 * announcer (a list's version moves first). The cost of a transition is the person's rooms, not the
 * rooms' size, and nobody else's socket hears of it: only those looking at the same room.
 */
export function createAwayWatch(io: ChatServer, presence: Pick<Presence, 'sweep' | 'awayChanged'>, announceViewers: (room: string) => void, clustered: boolean, awayAfterMs: number) {
  function reannounce(username: string): void {
    presence.awayChanged(username)
      .then(rooms => rooms.forEach(room => announceViewers(room)))
      .catch((error: unknown) => log.warn('presence.away_failed', { username, error }))
  }

  /** `username` went away or came back (decided here): every instance's rooms of theirs are told. */
  function changed(username: string): void {
    if (clustered) io.serverSideEmit('away changed', username)
    reannounce(username)
  }
  io.on('away changed', reannounce)

  const timer = setInterval(() => {
    presence.sweep(awayAfterMs)
      .then(people => people.forEach(changed))
      .catch((error: unknown) => log.warn('presence.sweep_failed', { error }))
  }, sweepEvery(awayAfterMs))
  timer.unref()

  return { changed, stop: () => clearInterval(timer) }
}
