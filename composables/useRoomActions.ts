import type { NotifyLevel } from '#shared/types/chat'
import type { UpdateRoomInput } from '#shared/schemas/rooms'

/**
 * Room management and membership calls (HTTP, so each has the route's checks), applied to the
 * sidebar at once; the server tells the other tabs and people through the socket.
 */
export function useRoomActions() {
  const api = useApi()
  const rooms = useRoomsStore()
  const session = useSessionStore()

  return {
    async change(id: string, changes: UpdateRoomInput) {
      const { room } = await api(`/api/rooms/${id}`, { method: 'PATCH', body: changes })
      rooms.updated(room)
      return room
    },
    async remove(id: string) {
      await api(`/api/rooms/${id}`, { method: 'DELETE' })
      rooms.removed(id, true)
    },
    async invite(id: string, username: string) {
      await api(`/api/rooms/${id}/members`, { method: 'POST', body: { username } })
    },
    async join(id: string) {
      await api(`/api/rooms/${id}/members`, { method: 'POST', body: { username: session.user!.username } })
      const known = rooms.byId(id)
      if (known) known.member = true
    },
    async leave(id: string) {
      await api(`/api/rooms/${encodeURIComponent(id)}/members/${encodeURIComponent(session.user!.username)}`, { method: 'DELETE' })
      rooms.removed(id)
    },
    async removeMember(id: string, username: string) {
      await api(`/api/rooms/${id}/members/${encodeURIComponent(username)}`, { method: 'DELETE' })
    },
    async members(id: string) {
      return (await api(`/api/rooms/${id}/members`)).members
    },
    async settings(id: string, settings: { muted?: boolean, notify?: NotifyLevel }) {
      await api(`/api/rooms/${id}/settings`, { method: 'PATCH', body: settings })
      rooms.settingsChanged(id, settings)
    },
    /** The DM with these people (the same one every time): its address. */
    async openDm(usernames: string[]) {
      const { room } = await api('/api/dms', { method: 'POST', body: { usernames } })
      if (!rooms.byId(room.id)) rooms.added({ id: room.id, name: room.name, topic: room.topic, image: room.image, preview: '', status: 'none', onlineCount: 0, lastMessageAt: null, unread: 0, kind: 'dm', visibility: 'private', members: room.members, member: true })
      return `/rooms/${room.id}`
    },
  }
}

/** What to call a room: a DM by its other people's names, a room by its #id. */
export function useRoomTitle() {
  const people = usePeopleStore()
  const session = useSessionStore()
  return (room: { id: string, kind?: string, members?: string[] }) => {
    if (room.kind !== 'dm') return `#${room.id}`
    const others = (room.members ?? []).filter(name => name !== session.user?.username)
    return others.map(name => people.nameOf(name)).join(', ') || 'Just you'
  }
}
