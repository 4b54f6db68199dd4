import { EventEmitter } from 'node:events'
import type { PresenceCount, RoomMember, RoomViewers } from '#shared/types/chat'

/**
 * Who is online (distinct signed-in users) and who is looking at which room. Tabs are
 * counted here, per instance: the shared store only hears about a user's first and last
 * connection on this instance, so a user with two tabs counts once.
 */
export interface PresenceStore {
  /** Adds a member to a set; true when nobody on any instance had them in it before. */
  add: (set: string, member: RoomMember) => Promise<boolean>
  /** Removes this instance's claim; true when no other instance still has the member. */
  remove: (set: string, member: RoomMember) => Promise<boolean>
  count: (set: string) => Promise<number>
  /** The set's size and its version, read together. */
  counted: (set: string) => Promise<{ count: number, version: number }>
  /** The set's members (each marked `away` when the person is) and its version (see RoomViewers), read together. */
  members: (set: string) => Promise<RoomViewers>
  /** Moves a set's version on without a join or leave (someone in it went away or came back). */
  bump: (set: string) => Promise<void>
  /** Someone's tab saw activity at `at` (ms); true when they were away (this call ended it, on every instance). */
  touch: (username: string, at: number) => Promise<boolean>
  /**
   * Of these people, marks away those whose last activity (on any instance) is before `before`:
   * the ones this call marked (exactly one instance marks each).
   */
  markAway: (usernames: string[], before: number) => Promise<string[]>
  /** Someone's last connection anywhere closed: their activity and away mark go. */
  forget: (username: string) => Promise<void>
  close: () => Promise<void>
}

/**
 * Every set this instance holds members in, for a shared store's heartbeat: only members whose
 * own add has finished, so that the add (not the heartbeat) finds them new and announces them.
 */
export type LocalMembers = () => Map<string, RoomMember[]>
/**
 * The heartbeat changed a set by itself: members of an instance that stopped refreshing them (it
 * died) expired, or members this instance holds were missing (Redis lost them) and were put back.
 */
export type ChangedListener = (set: string) => void
export type PresenceStoreFactory = (localMembers: LocalMembers, changed: ChangedListener) => PresenceStore

const ONLINE = 'online'
const ROOM_PREFIX = 'room:'
const roomSet = (room: string) => `${ROOM_PREFIX}${room}`

/**
 * The next version of a set's list: the clock in microseconds, and always above the last one, so
 * versions keep growing across a restart too.
 */
export function nextVersion(last: number, nowMicros = Date.now() * 1000): number {
  return Math.max(last + 1, nowMicros)
}

export const createMemoryPresenceStore: PresenceStoreFactory = () => {
  const sets = new Map<string, Map<string, RoomMember>>()
  const versions = new Map<string, number>()
  const activeAt = new Map<string, number>()
  const away = new Set<string>()
  const changed = (set: string) => versions.set(set, nextVersion(versions.get(set) ?? 0))
  return {
    async add(set, member) {
      const members = sets.get(set) ?? new Map()
      sets.set(set, members)
      const fresh = !members.has(member.username)
      members.set(member.username, member)
      if (fresh) changed(set)
      return fresh
    },
    async remove(set, member) {
      const members = sets.get(set)
      if (members?.delete(member.username)) changed(set)
      if (members?.size === 0) sets.delete(set)
      return true
    },
    async count(set) {
      return sets.get(set)?.size ?? 0
    },
    async counted(set) {
      return { count: sets.get(set)?.size ?? 0, version: versions.get(set) ?? 0 }
    },
    async members(set) {
      const members = [...sets.get(set)?.values() ?? []].map(({ username, avatar }) => ({ username, avatar, ...(away.has(username) ? { away: true as const } : {}) }))
      return { members, version: versions.get(set) ?? 0 }
    },
    async bump(set) {
      changed(set)
    },
    async touch(username, at) {
      activeAt.set(username, Math.max(at, activeAt.get(username) ?? 0))
      return away.delete(username)
    },
    async markAway(usernames, before) {
      return usernames.filter(username => (activeAt.get(username) ?? before) < before && !away.has(username) && away.add(username))
    },
    async forget(username) {
      activeAt.delete(username)
      away.delete(username)
    },
    async close() {},
  }
}

/**
 * 'changed': a set changed without anyone joining or leaving (people of a dead instance expired,
 * or people Redis had lost were put back): `room` is the room whose viewers changed, or null for
 * the online count. Emitted on the one instance that made the change, which tells the others.
 */
interface PresenceEvents { changed: [room: string | null] }

interface LocalEntry {
  avatar: string
  tabs: number
  adding: boolean
}

export class Presence extends EventEmitter<PresenceEvents> {
  readonly #store: PresenceStore
  /** set → username → this instance's sockets in it; `adding` while its first add is on its way */
  readonly #local = new Map<string, Map<string, LocalEntry>>()
  /**
   * When each person online here last did something in a tab here (ms): only those idle here for
   * the whole period are asked about in Redis (their other instances' tabs may still be busy).
   */
  readonly #activeHere = new Map<string, number>()
  /** When this instance last told the store of each person's activity (see `active`). */
  readonly #toldAt = new Map<string, number>()
  readonly #tellEveryMs: number

  /**
   * `tellEveryMs`: activity is passed on to the store at most this often per person from this
   * instance (a client flooding 'active' costs a map lookup, not a Redis call). Anything shorter
   * than a quarter of the away period cannot leave anyone marked away while they are active.
   */
  constructor(createStore: PresenceStoreFactory, { tellEveryMs = 0 }: { tellEveryMs?: number } = {}) {
    super()
    this.#tellEveryMs = tellEveryMs
    this.#store = createStore(
      () => new Map([...this.#local].map(([set, users]) => [set, [...users].flatMap(([username, { avatar, adding }]) => (adding ? [] : [{ username, avatar }]))])),
      set => this.emit('changed', set === ONLINE ? null : set.slice(ROOM_PREFIX.length)),
    )
  }

  async #enter(set: string, member: RoomMember): Promise<boolean> {
    const users = this.#local.get(set) ?? new Map<string, LocalEntry>()
    this.#local.set(set, users)
    const entry = users.get(member.username)
    if (entry) {
      entry.tabs++
      return false
    }
    // Hidden from the heartbeat until added: a heartbeat putting the member into the shared set
    // first would make this add find them there already, and nobody would announce them.
    const added: LocalEntry = { avatar: member.avatar, tabs: 1, adding: true }
    users.set(member.username, added)
    try {
      return await this.#store.add(set, member)
    }
    finally {
      added.adding = false
    }
  }

  async #leave(set: string, member: RoomMember): Promise<boolean> {
    const users = this.#local.get(set)
    const entry = users?.get(member.username)
    if (!users || !entry) return false
    if (entry.tabs > 1) {
      entry.tabs--
      return false
    }
    users.delete(member.username)
    if (!users.size) this.#local.delete(set)
    return this.#store.remove(set, member)
  }

  /** A signed-in socket connected. `first`: the user was not online anywhere before. */
  async connect(member: RoomMember): Promise<{ first: boolean } & PresenceCount> {
    const first = await this.#enter(ONLINE, member)
    return { first, ...await this.online() }
  }

  /** A signed-in socket closed. `last`: that was the user's last connection anywhere. */
  async disconnect(member: RoomMember): Promise<{ last: boolean } & PresenceCount> {
    const last = await this.#leave(ONLINE, member)
    if (!this.#local.get(ONLINE)?.has(member.username)) {
      this.#activeHere.delete(member.username)
      this.#toldAt.delete(member.username)
    }
    if (last) await this.#store.forget(member.username)
    return { last, ...await this.online() }
  }

  /**
   * A tab of this person saw activity (or opened). True when they were away: they are not any more,
   * and the rooms they look at must be told (see awayChanged).
   */
  async active(username: string, now = Date.now()): Promise<boolean> {
    this.#activeHere.set(username, now)
    // Told within the period: their activity in the store is recent enough that they are not away.
    if (now - (this.#toldAt.get(username) ?? -Infinity) < this.#tellEveryMs) return false
    this.#toldAt.set(username, now)
    return this.#store.touch(username, now)
  }

  /** The people online here who went away just now: no activity in any tab anywhere for `awayAfterMs`. */
  async sweep(awayAfterMs: number, now = Date.now()): Promise<string[]> {
    const before = now - awayAfterMs
    const online = this.#local.get(ONLINE)
    const idle = [...this.#activeHere].filter(([username, at]) => at < before && online?.has(username)).map(([username]) => username)
    return idle.length ? this.#store.markAway(idle, before) : []
  }

  /**
   * Someone went away or came back: the rooms they look at from this instance, each list's version
   * moved on so that the list read next replaces the one tabs hold. Walks this instance's rooms
   * (a transition is rare: once per person per idle spell), not the rooms' members.
   */
  async awayChanged(username: string): Promise<string[]> {
    const rooms = [...this.#local].filter(([set, users]) => set.startsWith(ROOM_PREFIX) && users.has(username)).map(([set]) => set)
    await Promise.all(rooms.map(set => this.#store.bump(set)))
    return rooms.map(set => set.slice(ROOM_PREFIX.length))
  }

  /** How many people are online, with the version of the list it was counted from. */
  async online(): Promise<PresenceCount> {
    const { count, version } = await this.#store.counted(ONLINE)
    return { numUsers: count, version }
  }

  /** Starts looking at a room; returns whether the list changed and the room's viewers. */
  async view(room: string, member: RoomMember): Promise<{ changed: boolean } & RoomViewers> {
    const changed = await this.#enter(roomSet(room), member)
    return { changed, ...await this.viewers(room) }
  }

  async unview(room: string, member: RoomMember): Promise<{ changed: boolean } & RoomViewers> {
    const changed = await this.#leave(roomSet(room), member)
    return { changed, ...(changed ? await this.viewers(room) : { members: [], version: 0 }) }
  }

  async viewers(room: string): Promise<RoomViewers> {
    const { members, version } = await this.#store.members(roomSet(room))
    return { members: members.sort((a, b) => a.username.localeCompare(b.username)), version }
  }

  async roomCounts(rooms: string[]): Promise<Record<string, number>> {
    const counts = await Promise.all(rooms.map(room => this.#store.count(roomSet(room))))
    return Object.fromEntries(rooms.map((room, i) => [room, counts[i]!]))
  }

  close(): Promise<void> {
    return this.#store.close()
  }
}
