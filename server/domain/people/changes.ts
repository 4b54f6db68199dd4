import type { Person, PersonStatus, PublicUser } from '#shared/types/chat'
import { updateDisplayName, updateStatus } from '../../storage/users-table.ts'
import { ForbiddenError, UserError } from '../../core/errors.ts'
import { useServices } from '../../services/services.ts'
import { announce } from '../events.ts'
import { assertNotGuestLike, claimName, NameTakenError, releaseName, sameName } from './names.ts'
import { changeCachedPerson, indexPerson } from './profiles.ts'

/**
 * Changes people make to how everyone sees them: their display name and their status ("📅 In a
 * meeting" until 15:30). Each is stored on the Users item, applied to this instance's copy, and
 * announced (`chat:person-updated`): every instance's copy follows, then every signed-in tab hears.
 * A change is a rare human act, limited per person (`personUpdate` in limits.ts; a refused one
 * does not count). Guests have no stored item, so they change neither.
 */

/** The furthest a status may be set ahead: the dialog's longest choice is "this week". */
const LONGEST_STATUS_MS = 31 * 24 * 60 * 60 * 1000

async function change(user: PublicUser, what: string, store: () => Promise<void>, apply: (person: Person) => Person): Promise<Person> {
  if (user.guest) throw new ForbiddenError(`Guests cannot set ${what}. Create an account first.`)
  const { personUpdate } = useServices().limits
  await personUpdate.take(user.username)
  try {
    await store()
  }
  catch (error) {
    // Refused (a name someone else has) or failed: nothing changed, nothing counts.
    await personUpdate.refund(user.username)
    throw error
  }
  const person = await changeCachedPerson(user.username, apply)
  await announce('chat:person-updated', person)
  return person
}

/**
 * Sets an account's display name. The name is claimed first (names.ts: refused when it reads as
 * someone else's name or username), and the one it replaces is given back.
 */
export function setDisplayName(user: PublicUser, displayName: string): Promise<Person> {
  if (!user.guest) assertNotGuestLike(displayName)
  return change(user, 'a display name', async () => {
    const own = sameName(displayName, user.username)
    if (!own && !await claimName(user.username, displayName)) throw new NameTakenError()
    const previous = await updateDisplayName(user.username, displayName)
    if (previous && !sameName(previous, displayName) && !sameName(previous, user.username)) await releaseName(user.username, previous)
    await indexPerson({ username: user.username, displayName, avatar: user.avatar }, previous ?? user.username)
  }, person => ({ ...person, displayName, avatar: user.avatar }))
}

/**
 * Sets the caller's status. An ended status is not deleted (DynamoDB's TTL removes items, not
 * attributes, and dynalite has none): every read leaves it out from its end on (profiles.ts).
 */
export function setStatus(user: PublicUser, status: PersonStatus, now = Date.now()): Promise<Person> {
  if (status.expiresAt !== null && status.expiresAt <= now) throw new UserError('That time has passed: pick a later one, or "Don\'t clear"')
  if (status.expiresAt !== null && status.expiresAt > now + LONGEST_STATUS_MS) throw new UserError('A status lasts at most 31 days: pick an earlier time, or "Don\'t clear"')
  return change(user, 'a status', () => updateStatus(user.username, status), person => ({ ...person, status }))
}

/** Clears the caller's status (the answer is the same when there was none). */
export function clearStatus(user: PublicUser): Promise<Person> {
  return change(user, 'a status', () => updateStatus(user.username, null), ({ status: _cleared, ...person }) => person)
}
