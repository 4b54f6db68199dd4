import { defineStore } from 'pinia'
import { useDocumentVisibility } from '@vueuse/core'

/** Older pages loaded at most while looking for the first unread message. */
const REVEAL_PAGES = 20

/**
 * Read markers (kept on the server for accounts): the newest message of the open room counts as
 * read while the page is visible and connected. The room page creates this store; from then on
 * it follows the open room by itself. It also keeps what was unread when each room was opened (the
 * marker as it was then), for the "New messages" divider: set while the server renders the page,
 * so the divider hydrates as rendered, and gone once the reader marks the room read.
 */
export const useReadMarkersStore = defineStore('read-markers', () => {
  const chat = useChatSocket()
  const reads = usePageReads()
  const session = useSessionStore()
  const rooms = useRoomsStore()
  const messages = useMessagesStore()
  const connection = useConnectionStore()

  /** The newest message id told to the server as read, per room (the server keeps the truth, so it is not state). */
  let markedRead: Record<string, string> = {}
  /** Per room: what was unread when it was opened. */
  const unreadWhenOpened = ref<Record<string, UnreadSpan>>({})

  function markRead(visible: boolean) {
    const room = rooms.currentId
    if (!room || !visible || !connection.connected || !session.user || session.user.guest) return
    const newest = messages.messagesOf(room).at(-1)?.id
    if (!newest || newest <= (markedRead[room] ?? '')) return
    markedRead[room] = newest
    chat.markRead(room, newest)
  }

  /** The reader's marker in `room` as the server has it (null for guests, or when it cannot be read: then no divider). */
  async function markerOf(room: string): Promise<string | null> {
    if (!session.user || session.user.guest) return null
    return (await reads.readMarker(room).catch(() => ({ marker: null }))).marker
  }

  /** The room was opened with its history held: what came after `marker` until now is unread. */
  function opened(room: string, marker: string | null) {
    // What this tab marked read may not have reached the server yet.
    const after = [marker ?? '', markedRead[room] ?? ''].sort().at(-1)!
    const until = messages.messagesOf(room).at(-1)?.id
    if (marker && until && until > after) unreadWhenOpened.value[room] = { after, until }
    else forget(room)
  }

  function forget(room: string) {
    const { [room]: _, ...others } = unreadWhenOpened.value
    unreadWhenOpened.value = others
  }

  /** Where the "New messages" divider goes in the room's held history, if anywhere. */
  function firstUnreadOf(room: string): FirstUnread | null {
    return firstUnread(messages.messagesOf(room), unreadWhenOpened.value[room], session.user?.username, messages.history[room]?.hasOlder === true)
  }

  /** Loads older pages until the first unread message is held; its id, or null when it was not found. */
  async function revealFirstUnread(room: string): Promise<string | null> {
    for (let page = 0; page < REVEAL_PAGES; page++) {
      const first = firstUnreadOf(room)
      if (!first || first.id) return first?.id ?? null
      if (!await messages.loadOlder(room)) break
    }
    return firstUnreadOf(room)?.id ?? null
  }

  /** "Mark as read" (or Escape): the divider goes, and the server hears the room is read up to its newest message. */
  function markAllRead(room: string) {
    forget(room)
    if (room === rooms.currentId) markRead(true)
  }

  if (import.meta.client) {
    const visibility = useDocumentVisibility()
    watch(
      () => [rooms.currentId, rooms.currentId ? messages.messagesOf(rooms.currentId).at(-1)?.id : null, connection.connected, visibility.value] as const,
      () => markRead(visibility.value === 'visible'),
    )
  }
  watch(() => session.owner, (now, before) => {
    if (before && now !== before) {
      markedRead = {}
      unreadWhenOpened.value = {}
    }
  })

  return { unreadWhenOpened, markRead, markerOf, opened, firstUnreadOf, revealFirstUnread, markAllRead }
})
