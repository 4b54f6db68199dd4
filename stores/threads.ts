import { defineStore } from 'pinia'
import type { ChatMessage, FollowedThread, ReactionChange, ThreadActivity, ThreadSummary } from '#shared/types/chat'
import { PAGE_SIZE_MAX } from '#shared/schemas/limits'

/** A thread as the panel holds it: its parent, its replies oldest first, and whether more follow. */
export interface HeldThread {
  parent: ChatMessage
  messages: ChatMessage[]
  next: string | null
  following: boolean
}

/** Pages of replies read when a thread opens (a longer thread reads on as the reader scrolls). */
const OPENING_PAGES = 4

const keyOf = (room: string, id: string) => `${room}#${id}`

/**
 * Threads: the one open in the side panel (`open`, with the reply a link pointed at), the threads
 * held (parent and replies, kept live by `thread reply`, `thread updated` and the message changes),
 * and the threads the reader follows with their unread counts (the "Threads" view and its badge).
 * Summaries under parents in the room's list are the messages store's (`threadSummary`).
 */
export const useThreadsStore = defineStore('threads', () => {
  const reads = usePageReads()
  const api = useApi()
  const messages = useMessagesStore()
  const session = useSessionStore()

  const open = ref<{ room: string, id: string, focus?: string } | null>(null)
  const held = ref<Record<string, HeldThread>>({})
  const followed = ref<FollowedThread[]>([])
  const followedLoaded = ref(false)

  const current = computed(() => (open.value ? held.value[keyOf(open.value.room, open.value.id)] ?? null : null))
  /** Followed threads with replies the reader has not read: the sidebar's badge. */
  const unreadThreads = computed(() => followed.value.filter(t => t.unread > 0).length)

  function threadOf(room: string, id: string): HeldThread | null {
    return held.value[keyOf(room, id)] ?? null
  }

  /** A parent or reply held by a thread. */
  function find(room: string, id: string): ChatMessage | undefined {
    for (const thread of Object.values(held.value)) {
      if (thread.parent.room !== room) continue
      if (thread.parent.id === id) return thread.parent
      const index = indexById(thread.messages, id)
      if (index >= 0) return thread.messages[index]
    }
    return undefined
  }

  /** Reads a thread from its start (during SSR for a link to a reply), a few pages at most. */
  async function load(room: string, id: string) {
    let page = await reads.thread(room, id, { limit: PAGE_SIZE_MAX })
    const thread: HeldThread = { parent: page.parent, messages: [...page.messages], next: page.next, following: page.following }
    for (let read = 1; read < OPENING_PAGES && page.next; read++) {
      page = await reads.thread(room, id, { after: page.next, limit: PAGE_SIZE_MAX })
      for (const message of page.messages) insertById(thread.messages, message)
      thread.next = page.next
    }
    held.value[keyOf(room, id)] = thread
  }

  /** Opens a thread in the side panel (`focus`: a reply a link pointed at). */
  async function openThread(room: string, id: string, focus?: string) {
    open.value = { room, id, ...(focus ? { focus } : {}) }
    if (!held.value[keyOf(room, id)]) await load(room, id)
    if (import.meta.client) void markRead(room, id)
  }

  function close() {
    open.value = null
  }

  /** More replies of a held thread (scrolling down a long one, or catching up after a reconnect). */
  async function loadNewer(room: string, id: string) {
    const thread = held.value[keyOf(room, id)]
    const after = thread?.messages.at(-1)?.id
    if (!thread) return
    let page = await reads.thread(room, id, { limit: PAGE_SIZE_MAX, ...(after ? { after } : {}) })
    for (;;) {
      thread.parent = page.parent
      for (const message of page.messages) insertById(thread.messages, message)
      thread.next = page.next
      if (!page.next) break
      page = await reads.thread(room, id, { after: page.next, limit: PAGE_SIZE_MAX })
    }
  }

  /** After a reconnect: the open thread reads what it missed. */
  async function catchUp() {
    if (open.value) await loadNewer(open.value.room, open.value.id).catch(() => undefined)
  }

  /** A reply arrived (live, or this page's own send acknowledged). */
  function received(message: ChatMessage) {
    if (!message.thread) return
    const thread = held.value[keyOf(message.room, message.thread)]
    if (thread) insertById(thread.messages, message)
    if (open.value?.room === message.room && open.value.id === message.thread && message.username !== session.user?.username && import.meta.client && document.visibilityState === 'visible') {
      void markRead(message.room, message.thread)
    }
  }

  /**
   * Whether a reply is the reader's business: a thread they follow (listed, or open and followed),
   * under their own message, or naming them. Only those notify, as in Slack.
   */
  function concerns(message: ChatMessage): boolean {
    const me = session.user?.username
    if (!me || !message.thread) return false
    return Boolean(message.mentions?.includes(me)
      || followed.value.some(t => t.room === message.room && t.parent.id === message.thread)
      || held.value[keyOf(message.room, message.thread)]?.following
      || messages.find(message.room, message.thread)?.username === me)
  }

  /** A parent's summary changed: under the parent in the room's list, in the panel and in the Threads view. */
  function summaryChanged(summary: ThreadSummary) {
    messages.threadSummary(summary)
    const withSummary = (parent: ChatMessage): ChatMessage => ({ ...parent, threadCount: summary.threadCount, threadLastAt: summary.threadLastAt ?? 0, threadPeople: summary.threadPeople })
    const thread = held.value[keyOf(summary.room, summary.id)]
    if (thread) thread.parent = withSummary(thread.parent)
    followed.value = followed.value.map(t => (t.room === summary.room && t.parent.id === summary.id ? { ...t, parent: withSummary(t.parent) } : t))
  }

  /** A message changed (edited, deleted, reacted to): the held threads show it as it is now. */
  function changed(message: ChatMessage) {
    for (const thread of Object.values(held.value)) {
      if (thread.parent.room === message.room && thread.parent.id === message.id) thread.parent = message
      if (message.thread && thread.parent.id === message.thread && thread.parent.room === message.room) {
        const index = indexById(thread.messages, message.id)
        if (index >= 0) thread.messages[index] = message
      }
    }
  }

  /** A held message became a tombstone (the live event names only its id). */
  function deleted(room: string, id: string) {
    for (const thread of Object.values(held.value)) {
      if (thread.parent.room !== room) continue
      const tomb = (m: ChatMessage): ChatMessage => ({ ...m, content: { text: '' }, html: '', deleted: true, attachments: undefined, reactions: undefined, replyTo: undefined, editedAt: undefined })
      if (thread.parent.id === id) thread.parent = tomb(thread.parent)
      const index = indexById(thread.messages, id)
      if (index >= 0) thread.messages[index] = tomb(thread.messages[index]!)
    }
  }

  function reacted({ room, message, emoji, username, added }: ReactionChange) {
    const apply = (m: ChatMessage): ChatMessage => {
      const people = new Set(m.reactions?.[emoji] ?? [])
      if (added) people.add(username)
      else people.delete(username)
      const reactions = Object.fromEntries([...Object.entries(m.reactions ?? {}).filter(([e]) => e !== emoji), ...(people.size ? [[emoji, [...people].sort()] as const] : [])])
      return { ...m, reactions: Object.keys(reactions).length ? reactions : undefined }
    }
    for (const thread of Object.values(held.value)) {
      if (thread.parent.room !== room) continue
      if (thread.parent.id === message) thread.parent = apply(thread.parent)
      const index = indexById(thread.messages, message)
      if (index >= 0) thread.messages[index] = apply(thread.messages[index]!)
    }
  }

  /** A followed thread's unread count (a reply, or read in another tab); a thread not listed yet lists it. */
  function activity(change: ThreadActivity) {
    const index = followed.value.findIndex(t => t.room === change.room && t.parent.id === change.id)
    if (index < 0) {
      if (change.activity) void loadFollowed()
      return
    }
    const entry = { ...followed.value[index]!, unread: change.unread, ...(change.activity ? { activity: change.activity } : {}) }
    followed.value = change.activity ? [entry, ...followed.value.filter((_, i) => i !== index)] : followed.value.map((t, i) => (i === index ? entry : t))
  }

  async function loadFollowed() {
    followed.value = (await api('/api/threads')).threads
    followedLoaded.value = true
  }

  async function markRead(room: string, id: string) {
    followed.value = followed.value.map(t => (t.room === room && t.parent.id === id ? { ...t, unread: 0 } : t))
    await api(`/api/rooms/${room}/messages/${encodeURIComponent(id)}/thread/read`, { method: 'POST' }).catch(() => undefined)
  }

  async function setFollowing(room: string, id: string, following: boolean) {
    await api(`/api/rooms/${room}/messages/${encodeURIComponent(id)}/follow`, { method: following ? 'PUT' : 'DELETE' })
    const thread = held.value[keyOf(room, id)]
    if (thread) thread.following = following
    if (followedLoaded.value) await loadFollowed()
  }

  function reset() {
    open.value = null
    held.value = {}
    followed.value = []
    followedLoaded.value = false
  }

  watch(() => session.owner, (now, before) => { if (before && now !== before) reset() })

  return { open, held, followed, followedLoaded, current, unreadThreads, threadOf, find, concerns, load, openThread, close, loadNewer, catchUp, received, summaryChanged, changed, deleted, reacted, activity, loadFollowed, markRead, setFollowing, reset }
})
