import { defineStore } from 'pinia'
import type { Person, PersonStatus } from '#shared/types/chat'
import { displayNameOf, guestName, liveStatus } from '#shared/utils/people'

/** setTimeout's longest delay (about 24.8 days); a later end is waited for in steps. */
const LONGEST_TIMER_MS = 2 ** 31 - 1

/**
 * Who is who: display names and avatars by username, looked up in batches (`GET /api/users?names=`)
 * as authors and DM members appear. Filled during SSR for the first page, so names hydrate as rendered.
 * Statuses end on their own: one timer, for the soonest end among the people known, moves `now`
 * (rendered with the page, so it hydrates as rendered), and an ended status is no longer shown.
 */
export const usePeopleStore = defineStore('people', () => {
  const api = useApi()
  const reads = usePageReads()
  const known = ref<Record<string, Person>>({})
  /** The time statuses are shown for (ms): the render's, then moved by the timer as each one ends. */
  const now = ref(Date.now())
  const asked = new Set<string>()
  let queued: string[] = []

  /** The soonest end of a status still shown, or null. */
  const soonestEnd = computed(() => {
    let soonest: number | null = null
    for (const person of Object.values(known.value)) {
      const end = liveStatus(person.status, now.value)?.expiresAt
      if (end && (soonest === null || end < soonest)) soonest = end
    }
    return soonest
  })
  if (import.meta.client) {
    let timer: ReturnType<typeof setTimeout> | undefined
    // On `now` too: a timer cut short at setTimeout's longest delay leaves the soonest end as it was.
    watch([soonestEnd, now], ([end]) => {
      clearTimeout(timer)
      if (end === null) return
      timer = setTimeout(() => { now.value = Date.now() }, Math.min(Math.max(0, end - Date.now()), LONGEST_TIMER_MS))
    }, { immediate: true })
  }

  /** Their status if it has not ended, else null. */
  function statusOf(username: string): PersonStatus | null {
    return liveStatus(known.value[username]?.status, now.value) ?? null
  }

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

  /** A person changed their name or status (this user, from the profile or status dialog). */
  function remember(person: Person) {
    known.value[person.username] = person
  }

  /** Someone changed their name or status ('person updated' goes to every tab): kept only if known here. */
  function updated(person: Person) {
    if (known.value[person.username]) known.value[person.username] = person
  }

  /** People whose username or display name starts with `q`. */
  async function search(q: string): Promise<Person[]> {
    const { users } = await api('/api/users', { query: { q } })
    // The search's rows carry no status: a person known already keeps theirs.
    for (const person of users) known.value[person.username] ??= person
    return users
  }

  return { known, now, nameOf, get, statusOf, load, want, remember, updated, search }
})
