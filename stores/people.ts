import { defineStore } from 'pinia'
import type { Person } from '#shared/types/chat'
import { displayNameOf, guestName } from '#shared/utils/people'

/**
 * Who is who: display names and avatars by username, looked up in batches (`GET /api/users?names=`)
 * as authors and DM members appear. Filled during SSR for the first page, so names hydrate as rendered.
 */
export const usePeopleStore = defineStore('people', () => {
  const api = useApi()
  const reads = usePageReads()
  const known = ref<Record<string, Person>>({})
  const asked = new Set<string>()
  let queued: string[] = []

  function nameOf(username: string): string {
    return known.value[username]?.displayName ?? displayNameOf(username)
  }

  function get(username: string): Person | null {
    return known.value[username] ?? null
  }

  /** Looks up the people not known yet (guests are named from their id: no lookup). */
  async function load(usernames: string[]) {
    const missing = [...new Set(usernames)].filter(name => !known.value[name] && !asked.has(name) && !guestName(name))
    if (!missing.length) return
    for (const name of missing) asked.add(name)
    for (let i = 0; i < missing.length; i += 50) {
      const { users } = await reads.people(missing.slice(i, i + 50))
      for (const person of users) known.value[person.username] = person
    }
  }

  /** Asks for these people soon, together with others asked for in the same tick. */
  function want(usernames: string[]) {
    if (import.meta.server) return
    const first = !queued.length
    queued.push(...usernames)
    if (first) {
      queueMicrotask(() => {
        const batch = queued
        queued = []
        void load(batch).catch(() => undefined)
      })
    }
  }

  /** A person changed their name (this user, from the profile dialog). */
  function remember(person: Person) {
    known.value[person.username] = person
  }

  /** People whose username or display name starts with `q`. */
  async function search(q: string): Promise<Person[]> {
    const { users } = await api('/api/users', { query: { q } })
    for (const person of users) known.value[person.username] = person
    return users
  }

  return { known, nameOf, get, load, want, remember, search }
})
