import type { DirectoryRoom, PublicUser, Room, RoomSummary } from '#shared/types/chat'
import { previewLine, previewText } from '#shared/utils/preview'
import { readableRooms } from './access.ts'
import { getServerConfig } from '../../core/config.ts'
import type { LatestMessage } from '../messages/latest-messages.ts'
import { roomsAndMarkers, type Membership } from './memberships.ts'
import { useServices } from '../../services/services.ts'
import { useLatestMessages } from '../messages/latest-messages.ts'
import { useRoomDirectory } from './directory.ts'
import { useUnreadCounts } from './unread-counts.ts'

/**
 * Rooms one sidebar shows at most. With every read cached per instance, this bounds what one
 * listing touches: presence counts, and unread counts only where something new was said.
 */
const SIDEBAR_ROOMS = 100

/**
 * One collator for every listing (String#localeCompare builds one per call, 7× slower measured);
 * numeric, so "room 2" sorts before "room 10".
 */
const byName = new Intl.Collator('en', { numeric: true }).compare

/** What a reader's own membership adds to a summary. */
interface ReaderView { member?: boolean, settings?: Membership }

export function summarise(room: DirectoryRoom & Partial<Room>, latest: LatestMessage | null, onlineCount = 0, unread = 0, reader: ReaderView = {}): RoomSummary {
  const { settings } = reader
  return {
    id: room.id,
    name: room.name,
    topic: room.topic,
    image: room.image,
    preview: latest ? previewLine(latest) : previewText(room.topic),
    status: 'none',
    onlineCount,
    lastMessageAt: latest?.time ?? null,
    // A muted room shows no badge.
    unread: settings?.muted ? 0 : unread,
    ...(latest ? { latest: { id: latest.id, username: latest.username, text: latest.text } } : {}),
    ...(room.visibility ? { visibility: room.visibility } : {}),
    ...(room.kind ? { kind: room.kind } : {}),
    ...(room.archived ? { archived: true } : {}),
    ...(room.members ? { members: room.members } : {}),
    ...(room.createdBy ? { createdBy: room.createdBy } : {}),
    ...(reader.member !== undefined ? { member: reader.member } : {}),
    ...(settings?.muted ? { muted: true } : {}),
    ...(settings?.notify ? { notify: settings.notify } : {}),
    ...(settings?.mentions && !settings.muted ? { mentions: settings.mentions } : {}),
  }
}

/**
 * The sidebar (and the original `room list` event): the rooms the reader belongs to (the
 * default rooms first, then those they joined), filled up with other public rooms from the
 * directory's first page, at most SIDEBAR_ROOMS in all; every room with its latest message as
 * preview, its online count and, for an account, what they have not read.
 */
export async function listRoomSummaries(reader: PublicUser): Promise<RoomSummary[]> {
  const { presence } = useServices()
  const [latestMessages, roomDirectory, unreadCounts] = [useLatestMessages(), useRoomDirectory(), useUnreadCounts()]
  const [{ rooms: own, markers, settings }, directory] = await Promise.all([roomsAndMarkers(reader), roomDirectory.page({ limit: SIDEBAR_ROOMS })])
  const listed = new Map(directory.rooms.map(room => [room.id, room]))
  const ids = [...new Set([...own, ...listed.keys()])].slice(0, SIDEBAR_ROOMS)
  const ownIds = new Set(own)
  // The reader's own rooms go through the access rules (a removal holds even before their cached
  // list of rooms expires) and come whole (kind, members, archived), from the per-instance cache.
  const mine = new Map((await readableRooms(reader, ids.filter(id => ownIds.has(id)))).map(room => [room.id, room]))
  const rooms: (DirectoryRoom & Partial<Room>)[] = ids.flatMap(id => (ownIds.has(id) ? mine.get(id) : listed.get(id)) ?? [])
  const [latest, online] = await Promise.all([latestMessages.get(rooms.map(r => r.id)), presence.roomCounts(rooms.map(r => r.id))])
  const unread = await unreadCounts.get(markers, Object.fromEntries(rooms.filter(r => ownIds.has(r.id)).map(r => [r.id, latest[r.id] ?? null])))
  const defaults = getServerConfig().defaultRooms
  const rank = (id: string) => (defaults.includes(id) ? defaults.indexOf(id) : defaults.length)
  return rooms
    .sort((a, b) => rank(a.id) - rank(b.id) || byName(a.name, b.name))
    .map(room => summarise(room, latest[room.id] ?? null, online[room.id] ?? 0, unread[room.id] ?? 0, { member: ownIds.has(room.id), settings: settings[room.id] }))
}
