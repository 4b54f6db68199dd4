import { defineStore } from 'pinia'
import type { ChatMessage } from '#shared/types/chat'

/**
 * Each room's pinned messages, as the header's list shows them: read when the list is opened
 * (`GET /api/rooms/:room/pins`), then kept true by every message as it is now, from the server's
 * answers, relays ('message updated') and catch-up (the message-actions store passes each on).
 */
export const usePinsStore = defineStore('pins', () => {
  const api = useApi()
  /** Rooms whose pins were read, the most recently pinned first. */
  const byRoom = ref<Record<string, ChatMessage[]>>({})

  function pinsOf(room: string): ChatMessage[] | undefined {
    return byRoom.value[room]
  }

  async function load(room: string) {
    const { messages } = await api(`/api/rooms/${room}/pins`)
    byRoom.value[room] = messages
  }

  /** A message as it is now: in the room's list while it is pinned (and not deleted), out of it otherwise. */
  function changed(message: ChatMessage) {
    const list = byRoom.value[message.room]
    if (!list) return
    const others = list.filter(m => m.id !== message.id)
    byRoom.value[message.room] = message.pinned && !message.deleted
      ? [...others, message].sort((a, b) => b.pinned!.at - a.pinned!.at)
      : others
  }

  /** Pins or unpins; the message as the server has it now. */
  async function toggle(message: ChatMessage): Promise<ChatMessage> {
    const path = `/api/rooms/${message.room}/pins/${encodeURIComponent(message.id)}` as const
    return message.pinned ? await api(path, { method: 'DELETE' }) : await api(path, { method: 'PUT' })
  }

  return { byRoom, pinsOf, load, changed, toggle }
})
