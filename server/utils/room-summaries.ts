import type { Room, RoomSummary } from '#shared/types/chat'
import { getServerConfig } from './config.ts'
import { latestMessage } from './messages.ts'
import { listRooms } from './rooms.ts'

/** Online counts come from the presence module once realtime is running; absent, everyone is offline. */
export type OnlineCounter = (roomIds: string[]) => Promise<Record<string, number>>

let countOnline: OnlineCounter = async () => ({})

export function setOnlineCounter(counter: OnlineCounter): void {
  countOnline = counter
}

const PREVIEW_LENGTH = 80

export async function summarise(room: Room, online: Record<string, number>): Promise<RoomSummary> {
  const latest = await latestMessage(room.id)
  const text = latest ? `${latest.username}: ${latest.content.text.replace(/\s+/g, ' ')}` : room.topic
  return {
    id: room.id,
    name: room.name,
    topic: room.topic,
    image: room.image,
    preview: text.length > PREVIEW_LENGTH ? `${text.slice(0, PREVIEW_LENGTH - 1)}…` : text,
    status: 'none',
    onlineCount: online[room.id] ?? 0,
    lastMessageAt: latest?.time ?? null,
  }
}

/** The sidebar: every room with its latest message as preview and its online count. */
export async function listRoomSummaries(): Promise<RoomSummary[]> {
  const rooms = await listRooms(getServerConfig().defaultRooms)
  const online = await countOnline(rooms.map(r => r.id))
  return Promise.all(rooms.map(room => summarise(room, online)))
}
