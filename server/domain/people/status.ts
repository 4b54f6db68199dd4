import type { Person, PersonStatus, PublicUser } from '#shared/types/chat'
import { updateStatus } from '../../storage/users-table.ts'
import { ForbiddenError, UserError } from '../../core/errors.ts'
import { useServices } from '../../services/services.ts'
import { announcePerson } from './profiles.ts'

/**
 * A person's status ("📅 In a meeting" until 15:30): kept on their Users item, shown with their
 * name wherever it appears, relayed to every signed-in tab on every instance when it changes. An
 * ended status is not deleted (no TTL in dynalite, and none is needed): reads leave it out.
 */

/** The furthest a status may be set ahead: the dialog's longest choice is "this week". */
const LONGEST_MS = 31 * 24 * 60 * 60 * 1000

function requireAccount(user: PublicUser): void {
  if (user.guest) throw new ForbiddenError('Guests cannot set a status. Create an account first.')
}

/** Sets the caller's status; answers with them as everyone now sees them. */
export async function setStatus(user: PublicUser, status: PersonStatus, now = Date.now()): Promise<Person> {
  requireAccount(user)
  if (status.expiresAt !== null && status.expiresAt <= now) throw new UserError('That time has passed: pick a later one, or "Don\'t clear"')
  if (status.expiresAt !== null && status.expiresAt > now + LONGEST_MS) throw new UserError('A status lasts at most 31 days: pick an earlier time, or "Don\'t clear"')
  await useServices().limits.personUpdate(user.username)
  await updateStatus(user.username, status)
  return announcePerson(user.username, person => ({ ...person, status }))
}

/** Clears the caller's status (also when it had ended or there was none: the answer is the same). */
export async function clearStatus(user: PublicUser): Promise<Person> {
  requireAccount(user)
  await useServices().limits.personUpdate(user.username)
  await updateStatus(user.username, null)
  return announcePerson(user.username, ({ status: _ended, ...person }) => person)
}
