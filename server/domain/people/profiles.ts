import { LRUCache } from 'lru-cache'
import type { Person } from '#shared/types/chat'
import { displayNameOf, foldName, liveStatus } from '#shared/utils/people'
import { avatarUrl } from './avatars.ts'
import { deletePeopleRow, putPeopleRows, queryPeopleRows, type PeopleRow } from '../../storage/people-table.ts'
import { getProfileItem } from '../../storage/users-table.ts'
import { NotFoundError } from '../../core/errors.ts'

/**
 * People as others see them: display names (on the Users item), the people index for the
 * "New message" picker (the People table: rows by folded username and display name, Queried by
 * prefix) and a per-instance cache of who is who, so names cost no read per message.
 */

const SEARCH_LIMIT = 10

function indexRow(name: string, person: Person): PeopleRow {
  const folded = foldName(name)
  return { prefix: [...folded][0] ?? '', key: `${folded}|${person.username}`, username: person.username, displayName: person.displayName, avatar: person.avatar }
}

/** Lists an account in the people index under its username and display name. */
export async function indexPerson(person: Person, previousDisplayName?: string): Promise<void> {
  if (previousDisplayName && foldName(previousDisplayName) !== foldName(person.displayName) && foldName(previousDisplayName) !== person.username) {
    await deletePeopleRow(indexRow(previousDisplayName, person))
  }
  const rows = [indexRow(person.username, person)]
  if (foldName(person.displayName) !== person.username) rows.push(indexRow(person.displayName, person))
  await putPeopleRows(rows)
}

/** Accounts whose username or display name starts with `query` (one Query; at most 10). */
async function searchPeople(query: string): Promise<Person[]> {
  const folded = foldName(query)
  const prefix = [...folded][0]
  if (!prefix) return []
  const found = new Map<string, Person>()
  for (const row of await queryPeopleRows(prefix, folded, SEARCH_LIMIT * 2)) {
    found.set(row.username, people.get(row.username) ?? row)
  }
  return [...found.values()].slice(0, SEARCH_LIMIT)
}

// Who is who, per instance: a change of name or status reaches every instance's copy before it is
// answered (the relays' 'person changed'); an instance that missed it (Redis away) is right again
// within a minute. A cached status may have ended since: it is dropped as people are read.
const people = new LRUCache<string, Person>({ max: 50_000, ttl: 60_000 })

/** The person as shown now: a status that has ended is left out (the app's clock; no TTL). */
function shown(person: Person, now = Date.now()): Person {
  const { status, ...rest } = person
  const live = liveStatus(status, now)
  return live ? { ...rest, status: live } : rest
}

async function readPerson(username: string): Promise<Person | null> {
  const item = await getProfileItem(username)
  if (!item) return null
  const person: Person = { username, displayName: displayNameOf(username, item.displayName), avatar: item.avatar, ...(item.status ? { status: item.status } : {}) }
  people.set(username, person)
  return person
}

/** Takes another instance's news of a person (see relays.ts) into this instance's copy. */
export function rememberPerson(person: Person): void {
  people.set(person.username, person)
}

/** People by username (accounts that exist, in the order asked); guests get their readable names. */
export async function getPeople(usernames: string[]): Promise<Person[]> {
  const found = await Promise.all(usernames.map(async (username) => {
    if (username.startsWith('anonymous_')) return { username, displayName: displayNameOf(username), avatar: avatarUrl(username) }
    return people.get(username) ?? readPerson(username)
  }))
  const now = Date.now()
  return found.filter((person): person is Person => person !== null).map(person => shown(person, now))
}

/**
 * Applies a change just stored to this instance's copy of an account (changes.ts then tells the
 * others): the copy is changed rather than read again, as a read right after a write may be stale.
 * Answers the account as everyone now sees it.
 */
export async function changeCachedPerson(username: string, change: (person: Person) => Person): Promise<Person> {
  const before = people.get(username) ?? await readPerson(username)
  if (!before) throw new NotFoundError(`There is no account "${username}"`)
  const person = change(before)
  people.set(username, person)
  return shown(person)
}

/** The accounts named, or a 404 naming the first that does not exist. */
export async function requireAccounts(usernames: string[]): Promise<Person[]> {
  const found = await getPeople(usernames.filter(name => !name.startsWith('anonymous_')))
  const missing = usernames.find(name => !found.some(person => person.username === name))
  if (missing) throw new NotFoundError(`There is no account "${missing}"`)
  return found
}

/** The people route's one call: a prefix search, or a lookup by usernames. */
export function findPeople(query: { q?: string, names?: string[] }): Promise<Person[]> {
  return query.q !== undefined ? searchPeople(query.q) : getPeople(query.names ?? [])
}
