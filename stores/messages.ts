import { defineStore } from 'pinia'
import { useDocumentVisibility } from '@vueuse/core'
import type { FetchError } from 'ofetch'
import type { AttachmentReady, ChatMessage, MessagePage, ReplyQuote } from '#shared/types/chat'
import { PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX } from '#shared/schemas/limits'

/** A room's history as far as this page knows it: stored messages, oldest first, without gaps. */
export interface RoomHistory {
  messages: ChatMessage[]
  /** More messages exist before the oldest one held. */
  hasOlder: boolean
  /** Edits, deletions and reactions up to this time (ms) are applied: the change catch-up's `since`. */
  syncedAt: number
  /**
   * More messages exist after the newest one held (opened on a linked message): live messages
   * wait until the held messages reach the present, so there is never a gap.
   */
  hasNewer?: boolean
}

/** A message typed here that the server has not stored yet (or refused). Its text is never lost. */
export interface PendingMessage {
  /** Also the send's `clientId`: the server stores a retried send once, and catching up recognises it. */
  id: string
  room: string
  text: string
  time: number
  status: 'sending' | 'failed'
  error: string | null
  /** Upload ids of files already stored in the bucket, sent with the text. */
  attachments?: string[]
  /** The message this one answers (shown while sending; the server quotes the stored original). */
  replyTo?: ReplyQuote
}

/** Beyond this many messages held for a room, the oldest are dropped while the reader is at the bottom. */
export const KEEP_MESSAGES = 300

/**
 * Messages per room. Ids sort by time, so each room's list is kept sorted by id and every
 * insertion is de-duplicated by id, whichever way a message arrives (history, live, ack, catch-up).
 */
export const useMessagesStore = defineStore('messages', () => {
  const reads = usePageReads()
  const chat = useChatSocket()
  const session = useSessionStore()
  const rooms = useRoomsStore()
  const connection = useConnectionStore()

  const history = ref<Record<string, RoomHistory>>({})
  const pending = ref<Record<string, PendingMessage[]>>({})
  const loadingOlder = ref<Record<string, boolean>>({})
  const loadingNewer = ref<Record<string, boolean>>({})

  function messagesOf(room: string): ChatMessage[] {
    return history.value[room]?.messages ?? []
  }

  function pendingOf(room: string): PendingMessage[] {
    return pending.value[room] ?? []
  }

  function isMine(message: ChatMessage): boolean {
    return message.username === session.user?.username
  }

  /** Adds one stored message if its room's history is held; false when it was already there. */
  function insert(message: ChatMessage): boolean {
    const entry = history.value[message.room]
    if (!entry) return false
    const index = findMessageIndex(entry.messages, message.id)
    if (index >= 0) return false
    entry.messages.splice(-(index + 1), 0, message)
    // A send that failed on our side but was stored after all (seen when catching up) is settled.
    if (isMine(message) && message.clientId) settle(message.room, message.clientId)
    return true
  }

  /** Removes a pending send; false when it was no longer pending. */
  function settle(room: string, id: string): boolean {
    const list = pending.value[room]
    const index = list?.findIndex(p => p.id === id) ?? -1
    if (!list || index < 0) return false
    list.splice(index, 1)
    return true
  }

  function hidden(): boolean {
    return import.meta.client && document.visibilityState === 'hidden'
  }

  /** A message pushed by the server (another user, or this user in another tab). */
  function receive(message: ChatMessage) {
    const entry = history.value[message.room]
    if (entry && !entry.hasNewer && !insert(message)) return
    rooms.noteMessage(message, { mine: isMine(message), hidden: hidden() })
  }

  /** The latest page of a room: fetched once (during SSR for the first page), then kept live. */
  async function loadLatest(room: string) {
    if (history.value[room]) {
      if (import.meta.client) await catchUp(room)
      return
    }
    const page = await reads.history(room, { limit: PAGE_SIZE_DEFAULT })
    history.value[room] = { messages: [...page.messages].reverse(), hasOlder: page.next !== null, syncedAt: Date.now() }
  }

  /**
   * The page around a linked message, replacing what is held of the room unless that message is
   * already held. False when the room has no such message: the latest page is loaded instead.
   */
  async function loadAround(room: string, id: string): Promise<boolean> {
    if (history.value[room]?.messages.some(m => m.id === id)) return true
    try {
      const window = await reads.around(room, id, PAGE_SIZE_DEFAULT)
      history.value[room] = { messages: window.messages, hasOlder: window.hasOlder, hasNewer: window.hasNewer, syncedAt: Date.now() }
      return true
    }
    catch (error) {
      if ((error as FetchError).statusCode !== 404) throw error
      await loadLatest(room)
      return false
    }
  }

  /**
   * One newer page, appended (after opening on a linked message). Once the present is reached,
   * what arrived live meanwhile is caught up, and live messages are shown again.
   */
  async function loadNewer(room: string): Promise<number> {
    const entry = history.value[room]
    const newest = entry?.messages.at(-1)?.id
    if (!entry?.hasNewer || !newest || loadingNewer.value[room]) return 0
    loadingNewer.value[room] = true
    try {
      const page = await reads.history(room, { after: newest, limit: PAGE_SIZE_DEFAULT })
      let added = 0
      for (const message of page.messages) if (insert(message)) added++
      if (page.next === null || !page.messages.length) {
        entry.hasNewer = false
        await catchUp(room)
      }
      return added
    }
    finally {
      loadingNewer.value[room] = false
    }
  }

  /** Back to the latest page (sending while reading old messages): the held window is replaced. */
  async function jumpToLatest(room: string) {
    const page = await reads.history(room, { limit: PAGE_SIZE_DEFAULT })
    history.value[room] = { messages: [...page.messages].reverse(), hasOlder: page.next !== null, syncedAt: Date.now() }
  }

  /** One older page, prepended. Returns how many messages were added. */
  async function loadOlder(room: string): Promise<number> {
    const entry = history.value[room]
    if (!entry || !entry.hasOlder || loadingOlder.value[room]) return 0
    loadingOlder.value[room] = true
    try {
      const oldest = entry.messages[0]?.id
      const page = await reads.history(room, { limit: PAGE_SIZE_DEFAULT, ...(oldest ? { before: oldest } : {}) })
      let added = 0
      for (const message of page.messages) if (insert(message)) added++
      entry.hasOlder = page.next !== null && page.messages.length > 0
      return added
    }
    finally {
      loadingOlder.value[room] = false
    }
  }

  /**
   * Everything stored after the newest message held (or after `from`, the newest held at an
   * earlier moment: live messages may have arrived since), page by page until there is no next
   * page. Messages from others count as unread in rooms not on screen.
   */
  async function catchUp(room: string, from?: string | null) {
    const entry = history.value[room]
    // Not at the present yet: newer pages come as the reader scrolls down (loadNewer).
    if (!entry || entry.hasNewer) return
    let cursor: string | null | undefined = from === undefined ? entry.messages.at(-1)?.id : from
    if (!cursor) {
      const page = await reads.history(room, { limit: PAGE_SIZE_DEFAULT })
      for (const message of [...page.messages].reverse()) if (insert(message)) rooms.noteMessage(message, { mine: isMine(message), hidden: hidden() })
      entry.hasOlder = page.next !== null
      return
    }
    while (cursor) {
      const page: MessagePage = await reads.history(room, { after: cursor, limit: PAGE_SIZE_MAX })
      for (const message of page.messages) if (insert(message)) rooms.noteMessage(message, { mine: isMine(message), hidden: hidden() })
      cursor = page.next
    }
  }

  /** After (re)connecting: catch up on every room whose history this page holds. */
  async function catchUpAll() {
    await Promise.all(Object.keys(history.value).map(room => catchUp(room).catch(() => undefined)))
  }

  async function deliver(item: PendingMessage) {
    item.status = 'sending'
    item.error = null
    try {
      const stored = await chat.sendMessage(item.room, item.text, item.id, { attachments: item.attachments, replyTo: item.replyTo?.id })
      settle(item.room, item.id)
      insert(stored)
      rooms.noteMessage(stored, { mine: true, hidden: false })
    }
    catch (error) {
      // No answer is not a refusal: it may have been stored. Catching up settles it if so, before
      // a retry is offered (and a retry with the same id would be stored once anyway).
      if (error instanceof AckTimeoutError) await catchUp(item.room).catch(() => undefined)
      const live = pendingOf(item.room).find(p => p.id === item.id)
      if (live) {
        live.status = 'failed'
        live.error = (error as Error).message
      }
    }
  }

  /** Shows the message at once as "sending", then replaces it with the stored one from the ack. */
  async function send(room: string, text: string, options: { attachments?: string[], replyTo?: ReplyQuote } = {}) {
    const { attachments, replyTo } = options
    const item: PendingMessage = { id: crypto.randomUUID(), room, text, time: Date.now(), status: 'sending', error: null, ...(attachments?.length ? { attachments } : {}), ...(replyTo ? { replyTo } : {}) }
    ;(pending.value[room] ??= []).push(item)
    const live = pending.value[room]!.at(-1)!
    // Sending while reading old messages goes back to the present, where the message will show.
    if (history.value[room]?.hasNewer) await jumpToLatest(room).catch(() => undefined)
    return deliver(live)
  }

  function retry(room: string, id: string) {
    const item = pendingOf(room).find(p => p.id === id)
    if (item && item.status === 'failed') return deliver(item)
  }

  function discard(room: string, id: string) {
    settle(room, id)
  }

  /** A thumbnail of an image in a held message is ready: the list swaps it in for the original. */
  function attachmentReady({ room, message, attachment }: AttachmentReady) {
    const messages = history.value[room]?.messages
    const index = messages ? findMessageIndex(messages, message) : -1
    if (!messages || index < 0) return
    const held = messages[index]!
    held.attachments = held.attachments?.map(a => (a.id === attachment.id ? attachment : a))
  }

  /** The connection dropped: an unanswered send may or may not be stored; catching up will tell. */
  function failInFlight(reason: string) {
    for (const list of Object.values(pending.value)) {
      for (const item of list) {
        if (item.status === 'sending') {
          item.status = 'failed'
          item.error = reason
        }
      }
    }
  }

  /** Keeps long-open busy rooms light: drop the oldest messages beyond KEEP_MESSAGES. */
  function trim(room: string) {
    const entry = history.value[room]
    if (!entry || entry.messages.length <= KEEP_MESSAGES + PAGE_SIZE_DEFAULT) return
    entry.messages.splice(0, entry.messages.length - KEEP_MESSAGES)
    entry.hasOlder = true
  }

  function reset() {
    history.value = {}
    pending.value = {}
    loadingOlder.value = {}
    loadingNewer.value = {}
    markedRead = {}
  }

  /** The newest message id told to the server as read, per room. */
  let markedRead: Record<string, string> = {}

  /**
   * Read markers (kept on the server for accounts): the newest message of the open room counts as
   * read while the page is visible and connected.
   */
  function markRead(visible: boolean) {
    const room = rooms.currentId
    if (!room || !visible || !connection.connected || !session.user || session.user.guest) return
    const newest = messagesOf(room).at(-1)?.id
    if (!newest || newest <= (markedRead[room] ?? '')) return
    markedRead[room] = newest
    chat.markRead(room, newest)
  }

  if (import.meta.client) {
    const visibility = useDocumentVisibility()
    watch(
      () => [rooms.currentId, rooms.currentId ? messagesOf(rooms.currentId).at(-1)?.id : null, connection.connected, visibility.value] as const,
      () => markRead(visibility.value === 'visible'),
    )
  }
  watch(() => session.owner, (now, before) => { if (before && now !== before) reset() })

  return { history, pending, loadingOlder, loadingNewer, messagesOf, pendingOf, receive, loadLatest, loadAround, loadOlder, loadNewer, catchUp, catchUpAll, send, retry, discard, attachmentReady, failInFlight, trim, markRead, reset }
})
