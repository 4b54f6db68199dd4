import { defineStore } from 'pinia'
import { useDocumentVisibility } from '@vueuse/core'
import type { ChatMessage, NotifyLevel, Person, Room, RoomAvailability, RoomSummary } from '#shared/types/chat'
import type { CreateRoomInput, UpdateRoomInput } from '#shared/schemas/rooms'
import { ROOM_ID_PATTERN } from '#shared/schemas/limits'
import { latestOf, previewLine, previewText } from '#shared/utils/preview'

export const LAST_ROOM_COOKIE = 'last-room'
export const DEFAULT_ROOM = 'general'

/** Why a room the reader had is gone from their sidebar: its page says so instead of showing the room. */
export type RoomEnd = 'removed' | 'deleted'

/** Room names sort naturally: "room 2" before "room 10". */
const byName = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' }).compare

/**
 * The sidebar: every room, which one is open, and unread counts of the others. Also every room
 * call (HTTP, so each has the route's checks), applied here at once; the server tells the other
 * tabs and people through the socket.
 */
export const useRoomsStore = defineStore('rooms', () => {
  const api = useApi()
  const reads = usePageReads()
  const session = useSessionStore()
  const people = usePeopleStore()
  const list = ref<RoomSummary[]>([])
  const loaded = ref(false)
  const currentId = ref<string | null>(null)
  const unread = ref<Record<string, number>>({})
  /** Unread messages mentioning the reader, per room (kept by the server for accounts). */
  const mentions = ref<Record<string, number>>({})
  /** Messages that arrived in the open room while the tab was hidden. */
  const unseenHere = ref(0)
  const lastRoom = useCookie<string | null>(LAST_ROOM_COOKIE, { maxAge: 60 * 60 * 24 * 365, sameSite: 'lax', path: '/' })
  /** Rooms taken from the reader while this page was open (removed from a private room, deleted). */
  const ended = ref<Record<string, RoomEnd>>({})

  const totalUnread = computed(() => Object.entries(unread.value).reduce((sum, [id, n]) => sum + (id === currentId.value || byId(id)?.muted ? 0 : n), 0) + unseenHere.value)
  const totalMentions = computed(() => Object.entries(mentions.value).reduce((sum, [id, n]) => sum + (id === currentId.value ? 0 : n), 0))

  /** Sidebar sections: the reader's rooms by name, their DMs by latest activity, other public rooms. */
  const joinedRooms = computed(() => list.value.filter(r => r.kind !== 'dm' && r.member !== false).sort((a, b) => byName(a.name, b.name)))
  const directMessages = computed(() => list.value.filter(r => r.kind === 'dm').sort((a, b) => (b.lastMessageAt ?? 0) - (a.lastMessageAt ?? 0)))
  const otherRooms = computed(() => list.value.filter(r => r.kind !== 'dm' && r.member === false).sort((a, b) => byName(a.name, b.name)))

  function byId(id: string): RoomSummary | null {
    return list.value.find(r => r.id === id) ?? null
  }

  /** Loads the list once (on the server during SSR); again only after `reset`. */
  async function load() {
    if (loaded.value) return
    await refresh()
  }

  /**
   * The list as the server has it now, e.g. after a reconnect, with the people it names (the reader,
   * DM partners, preview authors): during SSR the sidebar then renders their names and avatars.
   */
  async function refresh() {
    const { rooms } = await reads.rooms()
    // The open room stays when it is a public room the list leaves out (beyond its first hundred).
    const open = currentId.value ? byId(currentId.value) : null
    list.value = open?.member === false && !rooms.some(r => r.id === open.id) ? [...rooms, open] : rooms
    loaded.value = true
    const named = rooms.flatMap(r => [...(r.members ?? []), ...(r.latest ? [r.latest.username] : [])])
    await people.load([...(session.user ? [session.user.username] : []), ...named]).catch(() => undefined)
    // The server keeps read markers for accounts, so its counts are the truth (also after a
    // reload); a guest's counts exist only in this page.
    if (session.user && !session.user.guest) {
      unread.value = Object.fromEntries(rooms.map(r => [r.id, r.id === currentId.value ? 0 : r.unread]))
      mentions.value = Object.fromEntries(rooms.map(r => [r.id, r.id === currentId.value ? 0 : r.mentions ?? 0]))
    }
  }

  /** The room a page opens, whole (the sidebar's other public rooms come from the directory: no owner, at most 100); false when unreadable. */
  async function open(id: string): Promise<boolean> {
    const known = byId(id)
    if (known && known.member !== false) return true
    try {
      const { room } = await reads.room(id)
      upsert({ ...summaryOf(room), ...(known ? { preview: known.preview, latest: known.latest, lastMessageAt: known.lastMessageAt } : {}), member: false })
      return true
    }
    catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return false
      throw error
    }
  }

  function upsert(summary: RoomSummary) {
    const index = list.value.findIndex(r => r.id === summary.id)
    if (index === -1) list.value.push(summary)
    // Whether the reader belongs to it is known here better than by a broadcast to everyone.
    else list.value[index] = { ...list.value[index]!, ...summary, member: list.value[index]!.member || summary.member }
  }

  /** The reader now belongs to a room (invited, joined, a new DM). */
  function added(summary: RoomSummary) {
    upsert({ ...summary, member: true })
    if (ended.value[summary.id]) ended.value = Object.fromEntries(Object.entries(ended.value).filter(([id]) => id !== summary.id))
  }

  /** A room changed (renamed, re-topiced, archived): keep its preview and counts. */
  function updated(room: Room) {
    const known = byId(room.id)
    if (!known) return
    Object.assign(known, { name: room.name, topic: room.topic, archived: room.archived ?? false })
    // A room nobody has written in yet is previewed by its topic.
    if (!known.latest) known.preview = previewText(room.topic)
  }

  /** The reader left or was removed, or the room was deleted: it leaves the sidebar; a page they can no longer read says why. */
  function removed(id: string, deleted = false) {
    const known = byId(id)
    if (!known) return
    clearUnread(id)
    // A public room the reader left stays listed among the other rooms, without counts.
    if (!deleted && known.kind !== 'dm' && known.visibility !== 'private') known.member = false
    else {
      list.value = list.value.filter(r => r.id !== id)
      ended.value[id] = deleted ? 'deleted' : 'removed'
    }
  }

  /** What to call a room: a DM by its other people's names, a room by its name. */
  function titleOf(room: Pick<RoomSummary, 'id' | 'name' | 'kind' | 'members'>): string {
    return roomTitle(room, session.user?.username, people.nameOf)
  }

  /** The other person of a two-person DM (whose status its entry and title show), else null. */
  function dmPartnerOf(room: Pick<RoomSummary, 'kind' | 'members'>): string | null {
    const others = room.kind === 'dm' ? (room.members ?? []).filter(name => name !== session.user?.username) : []
    return others.length === 1 ? others[0]! : null
  }

  /** A room's picture: a DM shows the other person's avatar, a room its own image. */
  function pictureOf(room: Pick<RoomSummary, 'image' | 'kind' | 'members'>): { src: string, name: string } {
    return roomPicture(room, session.user?.username, people.get)
  }

  /** The room now on screen: clears its unread count and remembers it for `/`. */
  function enter(id: string) {
    currentId.value = id
    unseenHere.value = 0
    if (unread.value[id]) unread.value = { ...unread.value, [id]: 0 }
    if (mentions.value[id]) mentions.value = { ...mentions.value, [id]: 0 }
    if (ROOM_ID_PATTERN.test(id)) lastRoom.value = id
  }

  function leave(id: string) {
    if (currentId.value === id) currentId.value = null
  }

  /** A message arrived (live or by catching up): update the preview and maybe the unread counts. */
  function noteMessage(message: ChatMessage, options: { mine: boolean, hidden: boolean }) {
    const room = byId(message.room)
    if (room && (room.lastMessageAt ?? 0) <= message.time) {
      room.latest = latestOf(message)
      room.preview = previewLine(room.latest)
      room.lastMessageAt = message.time
    }
    if (options.mine || room?.muted) return
    if (message.room !== currentId.value) {
      unread.value = { ...unread.value, [message.room]: (unread.value[message.room] ?? 0) + 1 }
      if (mentionsMe(message, session.user?.username)) mentions.value = { ...mentions.value, [message.room]: (mentions.value[message.room] ?? 0) + 1 }
    }
    else if (options.hidden) unseenHere.value++
  }

  /**
   * A thread reply arrived: one naming the reader raises its room's mention badge, as the server
   * counts it for the next load; replies are not the room's messages, so its unread count stays.
   */
  function noteThreadReply(message: ChatMessage) {
    if (message.room === currentId.value || byId(message.room)?.muted || message.username === session.user?.username) return
    if (mentionsMe(message, session.user?.username)) mentions.value = { ...mentions.value, [message.room]: (mentions.value[message.room] ?? 0) + 1 }
  }

  /** A message as it is now (edited; deleted, when only its id may be known): the preview follows if it is the room's newest. */
  function messageChanged(id: string, messageId: string, now?: ChatMessage) {
    const room = byId(id)
    if (!room?.latest || room.latest.id !== messageId) return
    room.latest = now ? latestOf(now) : { ...room.latest, text: 'message deleted' }
    room.preview = previewLine(room.latest)
  }

  function markSeen() {
    unseenHere.value = 0
  }

  /** Another tab of this user has read the room. */
  function clearUnread(id: string) {
    if (unread.value[id]) unread.value = { ...unread.value, [id]: 0 }
    if (mentions.value[id]) mentions.value = { ...mentions.value, [id]: 0 }
  }

  async function create(input: CreateRoomInput): Promise<Room> {
    const { room } = await api('/api/rooms', { method: 'POST', body: input })
    added(summaryOf(room))
    return room
  }

  /** The DM with these people (the same one every time): its address. */
  async function openDm(usernames: string[]): Promise<string> {
    const { room } = await api('/api/dms', { method: 'POST', body: { usernames } })
    if (!byId(room.id)) added(summaryOf(room))
    return `/rooms/${room.id}`
  }

  /** Renames, re-topics, archives or unarchives (the owner and admins). */
  async function change(id: string, changes: UpdateRoomInput): Promise<void> {
    updated((await api(`/api/rooms/${id}`, { method: 'PATCH', body: changes })).room)
  }

  /** Deletes the room for everyone (the owner and admins). */
  async function remove(id: string): Promise<void> {
    await api(`/api/rooms/${id}`, { method: 'DELETE' })
    removed(id, true)
  }

  async function leaveRoom(id: string): Promise<void> {
    await api(`/api/rooms/${encodeURIComponent(id)}/members/${encodeURIComponent(session.user!.username)}`, { method: 'DELETE' })
    removed(id)
  }

  async function invite(id: string, username: string): Promise<void> {
    await api(`/api/rooms/${id}/members`, { method: 'POST', body: { username } })
  }

  async function removeMember(id: string, username: string): Promise<void> {
    await api(`/api/rooms/${id}/members/${encodeURIComponent(username)}`, { method: 'DELETE' })
  }

  /** The room's members, for its member list and `@` suggestions (not kept: they change as people come and go). */
  async function members(id: string): Promise<Person[]> {
    return (await api(`/api/rooms/${id}/members`)).members
  }

  /** The reader's own settings for a room: muted, and what it notifies of. */
  async function saveSettings(id: string, settings: { muted?: boolean, notify?: NotifyLevel }): Promise<void> {
    await api(`/api/rooms/${id}/settings`, { method: 'PATCH', body: settings })
    const known = byId(id)
    if (!known) return
    if (settings.muted !== undefined) known.muted = settings.muted
    if (settings.notify !== undefined) known.notify = settings.notify
  }

  /** Whether a room id the reader cannot open is free to create. */
  const availability = async (id: string): Promise<RoomAvailability> => (await api(`/api/room-ids/${id}`)).availability

  function reset() {
    list.value = []
    loaded.value = false
    currentId.value = null
    unread.value = {}
    mentions.value = {}
    unseenHere.value = 0
    ended.value = {}
  }

  if (import.meta.client) {
    // Coming back to the tab: what arrived in the open room meanwhile has now been seen.
    const visibility = useDocumentVisibility()
    watch(visibility, (now) => { if (now === 'visible') markSeen() })
  }
  watch(() => session.owner, (now, before) => { if (before && now !== before) reset() })

  return { list, loaded, currentId, unread, mentions, unseenHere, ended, totalUnread, totalMentions, joinedRooms, directMessages, otherRooms, lastRoom, byId, titleOf, dmPartnerOf, pictureOf, load, refresh, open, upsert, added, updated, removed, enter, leave, noteMessage, noteThreadReply, messageChanged, markSeen, clearUnread, create, openDm, change, remove, leaveRoom, invite, removeMember, members, saveSettings, availability, reset }
})
