import { defineStore } from 'pinia'
import type { FetchError } from 'ofetch'
import type { AttachmentReady, ChatMessage, ThreadSummary } from '#shared/types/chat'
import { PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX } from '#shared/schemas/limits'
import type { HeldRoom } from '~/utils/catchUp'

/**
 * A room's history as far as this page knows it: stored messages, oldest first, without gaps, and
 * where its next catch-up must start (`resumeAfter`, `losses`: see utils/catchUp.ts).
 */
export interface RoomHistory extends HeldRoom<ChatMessage> {
  /** More messages exist before the oldest one held. */
  hasOlder: boolean
  /** Edits, deletions and reactions up to this time (ms, the server's clock) are applied: the change catch-up's `since`. */
  syncedAt: number
  /**
   * More messages exist after the newest one held (opened on a linked message): live messages
   * wait until the held messages reach the present, so there is never a gap.
   */
  hasNewer?: boolean
  /** Opened on a link to a thread reply: the window is around this parent, whose thread the page opens. */
  linkedThread?: string
}

/** Beyond this many messages held for a room, the oldest are dropped while the reader is at the bottom. */
export const KEEP_MESSAGES = 300

/**
 * Stored messages per room: history, paging and the live messages. Ids sort by time, so each
 * room's list is kept sorted by id and every insertion is de-duplicated by id, whichever way a
 * message arrives (history, live, ack, catch-up). Sends on their way are the outbox's; edits,
 * deletions and reactions come from the message actions, through `apply`.
 */
export const useMessagesStore = defineStore('messages', () => {
  const reads = usePageReads()
  const session = useSessionStore()
  const rooms = useRoomsStore()

  const history = ref<Record<string, RoomHistory>>({})
  const loadingOlder = ref<Record<string, boolean>>({})
  const loadingNewer = ref<Record<string, boolean>>({})

  function messagesOf(room: string): ChatMessage[] {
    return history.value[room]?.messages ?? []
  }

  /** Message `id` of a room, if held. */
  function find(room: string, id: string): ChatMessage | undefined {
    const list = messagesOf(room)
    const index = indexById(list, id)
    return index >= 0 ? list[index] : undefined
  }

  function isMine(message: ChatMessage): boolean {
    return message.username === session.user?.username
  }

  /** Adds one stored message if its room's history is held; false when it was already there. */
  function insert(message: ChatMessage): boolean {
    const entry = history.value[message.room]
    return entry ? insertById(entry.messages, message) : false
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
    history.value[room] = { messages: [...page.messages].reverse(), hasOlder: page.next !== null, syncedAt: page.until ?? Date.now() }
  }

  /**
   * The page around a linked message, replacing what is held of the room unless that message is
   * already held. False when the room has no such message: the latest page is loaded instead.
   */
  async function loadAround(room: string, id: string): Promise<boolean> {
    if (history.value[room]?.messages.some(m => m.id === id)) return true
    try {
      const window = await reads.around(room, id, PAGE_SIZE_DEFAULT)
      history.value[room] = { messages: window.messages, hasOlder: window.hasOlder, hasNewer: window.hasNewer, syncedAt: window.until ?? Date.now(), ...(window.thread ? { linkedThread: window.thread } : {}) }
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

  /** A send of this page was stored (its acknowledgement): held at once, and the sidebar's preview follows. */
  function sent(message: ChatMessage) {
    insert(message)
    rooms.noteMessage(message, { mine: true, hidden: false })
  }

  /** Back to the latest page (sending while reading old messages): the held window is replaced. */
  async function jumpToLatest(room: string) {
    const page = await reads.history(room, { limit: PAGE_SIZE_DEFAULT })
    history.value[room] = { messages: [...page.messages].reverse(), hasOlder: page.next !== null, syncedAt: page.until ?? Date.now() }
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
   * Everything stored after a point before anything this page may have missed (utils/catchUp.ts:
   * where deliveries stopped, or a margin before the newest message held, or before `from`, the
   * newest held at an earlier moment), page by page, merged by id. What is older than everything
   * held stays for the older pages; messages from others count as unread in rooms not on screen.
   */
  async function catchUp(room: string, from?: string | null) {
    const entry = history.value[room]
    // Not at the present yet: newer pages come as the reader scrolls down (loadNewer).
    if (!entry || entry.hasNewer) return
    const oldest = entry.messages[0]?.id
    const news = (message: ChatMessage) => {
      if (!oldest || message.id > oldest) rooms.noteMessage(message, { mine: isMine(message), hidden: hidden() })
    }
    const read = (after: string) => reads.history(room, { after, limit: PAGE_SIZE_MAX })
    if (await catchUpRoom(entry, read, { from, added: news, floor: entry.hasOlder ? oldest : undefined })) return
    const page = await reads.history(room, { limit: PAGE_SIZE_DEFAULT })
    for (const message of [...page.messages].reverse()) if (insert(message)) news(message)
    entry.hasOlder = page.next !== null
  }

  /** After (re)connecting: catch up on every room whose history this page holds. */
  async function catchUpAll() {
    await Promise.all(Object.keys(history.value).map(room => catchUp(room).catch(() => undefined)))
  }

  /**
   * Deliveries may have stopped: the connection dropped (now), or the server lost relays between
   * instances since `since` (its clock, ms). The next catch-up of every room held goes back before that.
   */
  function deliveriesLost(since?: number) {
    for (const entry of Object.values(history.value)) noteLoss(entry, since)
  }

  /** A thumbnail of an image in a held message is ready: the list swaps it in for the original. */
  function attachmentReady({ room, message, attachment }: AttachmentReady) {
    const messages = history.value[room]?.messages
    const index = messages ? indexById(messages, message) : -1
    if (!messages || index < 0) return
    const held = messages[index]!
    held.attachments = held.attachments?.map(a => (a.id === attachment.id ? attachment : a))
  }

  /** Keeps long-open busy rooms light: drop the oldest messages beyond KEEP_MESSAGES. */
  function trim(room: string) {
    const entry = history.value[room]
    if (!entry || entry.messages.length <= KEEP_MESSAGES + PAGE_SIZE_DEFAULT) return
    entry.messages.splice(0, entry.messages.length - KEEP_MESSAGES)
    entry.hasOlder = true
  }

  /**
   * A held message as it is now (edited, deleted or reacted to): the server's version replaces
   * the held one, so applying a change twice is harmless. One not held is left alone, but a
   * deletion still takes the original's words out of the replies held.
   */
  function apply(message: ChatMessage) {
    if (message.deleted) dropQuotesOf(message.room, message.id)
    const list = history.value[message.room]?.messages
    const index = list ? indexById(list, message.id) : -1
    if (!list || index < 0) return
    const clientId = list[index]!.clientId
    list[index] = { ...message, ...(clientId ? { clientId } : {}) }
  }

  /** A parent's thread summary changed (`thread updated`): the held parent shows it. */
  function threadSummary({ room, id, threadCount, threadLastAt, threadPeople }: ThreadSummary) {
    const list = history.value[room]?.messages
    const index = list ? indexById(list, id) : -1
    if (!list || index < 0) return
    const { threadCount: _c, threadLastAt: _l, threadPeople: _p, ...rest } = list[index]!
    list[index] = threadCount ? { ...rest, threadCount, threadLastAt: threadLastAt ?? 0, threadPeople } : rest
  }

  /** Replies held here lose the words of a deleted original (held or not), as the server shows them after a reload. */
  function dropQuotesOf(room: string, id: string) {
    const list = history.value[room]?.messages
    list?.forEach((reply, i) => {
      if (reply.replyTo?.id === id && !reply.replyTo.deleted) list[i] = { ...reply, replyTo: { id, username: reply.replyTo.username, text: '', deleted: true } }
    })
  }

  /**
   * Changes up to `until` are applied to a room whose changes were applied up to `from`. A history
   * read again meanwhile (back to the latest, a linked message) has its own, newer sync time.
   */
  function markSynced(room: string, from: number, until: number) {
    const entry = history.value[room]
    if (entry?.syncedAt === from) entry.syncedAt = until
  }

  function reset() {
    history.value = {}
    loadingOlder.value = {}
    loadingNewer.value = {}
  }

  watch(() => session.owner, (now, before) => { if (before && now !== before) reset() })

  return { history, loadingOlder, loadingNewer, messagesOf, find, receive, sent, loadLatest, loadAround, loadOlder, loadNewer, jumpToLatest, catchUp, catchUpAll, deliveriesLost, attachmentReady, trim, apply, threadSummary, dropQuotesOf, markSynced, reset }
})
