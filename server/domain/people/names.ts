import { ConflictError, UserError } from '../../core/errors.ts'
import { log } from '../../core/logger.ts'
import { deleteNameClaim, putNameClaim } from '../../storage/people-table.ts'
import { getProfileItem } from '../../storage/users-table.ts'
import { isGuestLike, nameKey } from './name-keys.ts'

/**
 * Who may use which name. Every account claims the key (name-keys.ts) of its username and of its
 * display name in the People table, each with a conditional put: two people racing for names that
 * read alike, on any instances, get one claim between them. A display name is refused when its key
 * is claimed by someone else, a username when its key is; changing a display name gives the old
 * key back. Accounts from before claims existed keep their names; they claim them when they next
 * sign in (a name someone else claimed meanwhile stays with both: logged, not taken away).
 */

export class NameTakenError extends ConflictError {
  constructor() {
    super('That name is too close to someone else\'s name or username: choose another')
  }
}

class GuestNameError extends UserError {
  constructor() {
    super('Names like "Guest 4821" are kept for guests: choose another')
  }
}

/** Refuses a display name that would pass for a guest. */
export function assertNotGuestLike(name: string): void {
  if (isGuestLike(name)) throw new GuestNameError()
}

/** Whether two names read as one (a display name that is just the username, differently written). */
export function sameName(a: string, b: string): boolean {
  return nameKey(a) === nameKey(b)
}

/** Claims `name` for `username`: false when someone else holds it (or anyone does, with `onlyIfFree`). */
export function claimName(username: string, name: string, onlyIfFree = false): Promise<boolean> {
  return putNameClaim(nameKey(name), username, onlyIfFree)
}

/** Gives `name` back, if `username` holds it. */
export function releaseName(username: string, name: string): Promise<void> {
  return deleteNameClaim(nameKey(name), username)
}

/** An existing account's names, claimed where still free (idempotent: run at each sign-in). */
export async function claimExistingNames(username: string): Promise<void> {
  const profile = await getProfileItem(username)
  const names = [username, ...(profile?.displayName && !sameName(profile.displayName, username) ? [profile.displayName] : [])]
  const claimed = await Promise.all(names.map(name => claimName(username, name)))
  if (claimed.includes(false)) log.warn('names.collision', { username, names: names.filter((_, i) => !claimed[i]) })
}
