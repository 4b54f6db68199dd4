import { EventEmitter } from 'node:events'
import type { RoomMember, RoomViewers } from '#shared/types/chat'

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
  /** The set's members and its version (see RoomViewers), read together. */
  members: (set: string) => Promise<RoomViewers>
  close: () => Promise<void>
}

/** Every set this instance holds members in, for a shared store's heartbeat. */
export type LocalMembers = () => Map<string, RoomMember[]>
/** Members of a set expired (their instance stopped refreshing them: it died). */
export type ExpiredListener = (set: string) => void
export type PresenceStoreFactory = (localMembers: LocalMembers, expired: ExpiredListener) => PresenceStore

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
    async members(set) {
      return { members: [...sets.get(set)?.values() ?? []], version: versions.get(set) ?? 0 }
    },
    async close() {},
  }
}

/**
 * 'expired': people dropped out without leaving (an instance died): `room` is the room whose
 * viewers changed, or null for the online count. Emitted on one instance only.
 */
interface PresenceEvents { expired: [room: string | null] }

export class Presence extends EventEmitter<PresenceEvents> {
  readonly #store: PresenceStore
  /** set → username → this instance's sockets in it */
  readonly #local = new Map<string, Map<string, { avatar: string, tabs: number }>>()

  constructor(createStore: PresenceStoreFactory) {
    super()
    this.#store = createStore(
      () => new Map([...this.#local].map(([set, users]) => [set, [...users].map(([username, { avatar }]) => ({ username, avatar }))])),
      set => this.emit('expired', set === ONLINE ? null : set.slice(ROOM_PREFIX.length)),
    )
  }

  async #enter(set: string, member: RoomMember): Promise<boolean> {
    const users = this.#local.get(set) ?? new Map<string, { avatar: string, tabs: number }>()
    this.#local.set(set, users)
    const entry = users.get(member.username)
    if (entry) {
      entry.tabs++
      return false
    }
    users.set(member.username, { avatar: member.avatar, tabs: 1 })
    return this.#store.add(set, member)
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
  async connect(member: RoomMember): Promise<{ first: boolean, numUsers: number }> {
    const first = await this.#enter(ONLINE, member)
    return { first, numUsers: await this.numUsers() }
  }

  /** A signed-in socket closed. `last`: that was the user's last connection anywhere. */
  async disconnect(member: RoomMember): Promise<{ last: boolean, numUsers: number }> {
    const last = await this.#leave(ONLINE, member)
    return { last, numUsers: await this.numUsers() }
  }

  numUsers(): Promise<number> {
    return this.#store.count(ONLINE)
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
