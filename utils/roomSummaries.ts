import type { Person, Room, RoomSummary } from '#shared/types/chat'

/** A room this page created or opened, as the sidebar lists it until the server's list says more. */
export function summaryOf(room: Room): RoomSummary {
  return {
    id: room.id, name: room.name, topic: room.topic, image: room.image,
    // A new DM has nothing to preview yet; a new room shows its topic.
    preview: room.kind === 'dm' ? '' : room.topic,
    status: 'none', onlineCount: 0, lastMessageAt: null, unread: 0, member: true, createdBy: room.createdBy,
    ...(room.visibility ? { visibility: room.visibility } : {}),
    ...(room.kind ? { kind: room.kind } : {}),
    ...(room.members ? { members: room.members } : {}),
    ...(room.archived ? { archived: true } : {}),
  }
}

function othersIn(room: Pick<RoomSummary, 'members'>, me: string | undefined): string[] {
  return (room.members ?? []).filter(name => name !== me)
}

/** What to call a room: a DM by its other people's names, a room by its name. */
export function roomTitle(room: Pick<RoomSummary, 'id' | 'name' | 'kind' | 'members'>, me: string | undefined, nameOf: (username: string) => string): string {
  if (room.kind !== 'dm') return room.name || room.id
  return othersIn(room, me).map(nameOf).join(', ') || 'Just you'
}

/** A room's picture: a DM shows the (first) other person's avatar (their initials until known), a room its own image. */
export function roomPicture(room: Pick<RoomSummary, 'image' | 'kind' | 'members'>, me: string | undefined, personOf: (username: string) => Person | null): { src: string, name: string } {
  if (room.kind !== 'dm') return { src: room.image, name: '' }
  const other = othersIn(room, me)[0] ?? me ?? ''
  return { src: personOf(other)?.avatar ?? '', name: other }
}
