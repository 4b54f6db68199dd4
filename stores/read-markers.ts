import { defineStore } from 'pinia'
import { useDocumentVisibility } from '@vueuse/core'

/**
 * Read markers (kept on the server for accounts): the newest message of the open room counts as
 * read while the page is visible and connected. The room page creates this store; from then on
 * it follows the open room by itself.
 */
export const useReadMarkersStore = defineStore('read-markers', () => {
  const chat = useChatSocket()
  const session = useSessionStore()
  const rooms = useRoomsStore()
  const messages = useMessagesStore()
  const connection = useConnectionStore()

  /** The newest message id told to the server as read, per room (the server keeps the truth, so it is not state). */
  let markedRead: Record<string, string> = {}

  function markRead(visible: boolean) {
    const room = rooms.currentId
    if (!room || !visible || !connection.connected || !session.user || session.user.guest) return
    const newest = messages.messagesOf(room).at(-1)?.id
    if (!newest || newest <= (markedRead[room] ?? '')) return
    markedRead[room] = newest
    chat.markRead(room, newest)
  }

  if (import.meta.client) {
    const visibility = useDocumentVisibility()
    watch(
      () => [rooms.currentId, rooms.currentId ? messages.messagesOf(rooms.currentId).at(-1)?.id : null, connection.connected, visibility.value] as const,
      () => markRead(visibility.value === 'visible'),
    )
  }
  watch(() => session.owner, (now, before) => { if (before && now !== before) markedRead = {} })

  return { markRead }
})
