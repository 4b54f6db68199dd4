import type { PublicUser, Room, RoomSummary } from '#shared/types/chat'
import { messagePreview, previewText } from '#shared/utils/preview'
import { getServerConfig } from './config.ts'
import { latestMessage } from './messages.ts'
import { unreadCounts } from './read-markers.ts'
import { listRooms } from './rooms.ts'
import { useServices } from './services.ts'

export async function summarise(room: Room, online: Record<string, number>, unread: Record<string, number> = {}): Promise<RoomSummary> {
  const latest = await latestMessage(room.id)
  return {
    id: room.id,
    name: room.name,
    topic: room.topic,
    image: room.image,
    preview: latest ? messagePreview(latest) : previewText(room.topic),
    status: 'none',
    onlineCount: online[room.id] ?? 0,
    lastMessageAt: latest?.time ?? null,
    unread: unread[room.id] ?? 0,
  }
}

/** The sidebar: every room with its latest message as preview, its online count and, for a signed-in reader, what they have not read. */
export async function listRoomSummaries(reader: PublicUser | null = null): Promise<RoomSummary[]> {
  const rooms = await listRooms(getServerConfig().defaultRooms)
  const ids = rooms.map(r => r.id)
  const [online, unread] = await Promise.all([useServices().presence.roomCounts(ids), reader ? unreadCounts(reader, ids) : {}])
  return Promise.all(rooms.map(room => summarise(room, online, unread)))
}
