import { defineStore } from 'pinia'
import type { ChatMessage, ReactionChange, ReplyQuote } from '#shared/types/chat'
import { fromWire } from '#shared/utils/wire'

/** Older pages loaded at most while looking for the original of a reply. */
const JUMP_PAGES = 20
/** A reply quotes this much of its original (the server keeps the same). */
const QUOTE_MAX = 140

/**
 * Acting on stored messages (edit, delete, react, reply), the changes others make relayed live,
 * and catching up on changes after a reconnect. Messages live in the messages store, which
 * applies every change here: each is the server's version of the message, so applying one twice
 * is harmless. What the composer is doing (replying to, editing) is kept here, per room.
 */
export const useMessageActionsStore = defineStore('message-actions', () => {
  const chat = useChatSocket()
  const messages = useMessagesStore()
  const session = useSessionStore()
  const rooms = useRoomsStore()
  const threads = useThreadsStore()
  const pins = usePinsStore()

  /** The message the composer answers, per room. */
  const replyingTo = ref<Record<string, ReplyQuote | null>>({})
  /** The message whose text the composer edits, per room. */
  const editing = ref<Record<string, string | null>>({})
  /** The message to scroll to and highlight (a reply's original). */
  const highlighted = ref<{ room: string, id: string, at: number } | null>(null)

  /** The composer answers `message` (an edit in progress there ends). */
  function startReply(message: ChatMessage) {
    editing.value[message.room] = null
    replyingTo.value[message.room] = { id: message.id, username: message.username, text: message.content.text.slice(0, QUOTE_MAX) }
  }

  /** The composer edits message `id` (a reply in progress there ends). */
  function startEditing(room: string, id: string) {
    replyingTo.value[room] = null
    editing.value[room] = id
  }

  /** The reply was sent: the composer answers nothing any more. */
  function clearReply(room: string) {
    replyingTo.value[room] = null
  }

  /** Neither a reply nor an edit any more (Escape, or the composer's ✕). */
  function cancel(room: string) {
    replyingTo.value[room] = null
    editing.value[room] = null
  }

  /** A message as it is now (edited, deleted or reacted to), from an answer or a relay. */
  function update(message: ChatMessage) {
    messages.apply(message)
    // A thread's parent or reply held by the thread panel follows too.
    threads.changed(message)
    rooms.messageChanged(message.room, message.id, message)
    pins.changed(message)
  }

  function deleted(room: string, id: string) {
    rooms.messageChanged(room, id)
    const message = messages.find(room, id)
    // A parent keeps its thread under the tombstone, as the server keeps it.
    const { thread, alsoToRoom, threadCount, threadLastAt, threadPeople } = message ?? {}
    const kept = { ...(thread ? { thread } : {}), ...(alsoToRoom ? { alsoToRoom } : {}), ...(threadCount ? { threadCount, threadLastAt, threadPeople } : {}) }
    if (message) update({ id, room, username: message.username, avatar: message.avatar, time: message.time, content: { text: '' }, deleted: true, ...kept })
    else messages.dropQuotesOf(room, id)
  }

  function reacted(change: ReactionChange) {
    const message = messages.find(change.room, change.message)
    if (message) update(withReaction(message, change))
  }

  /** Saves the edit; the composer stops editing once the server has it. */
  async function saveEdit(room: string, id: string, text: string) {
    update(await chat.editMessage(room, id, text))
    editing.value[room] = null
  }

  /** Pins the message, or unpins it when it is pinned. */
  async function togglePin(message: ChatMessage) {
    update(await pins.toggle(message))
  }

  async function remove(room: string, id: string) {
    update(await chat.deleteMessage(room, id))
  }

  /** Adds the reader's reaction, or takes it back when they already reacted with that emoji. */
  async function toggleReaction(room: string, id: string, emoji: string) {
    const me = session.user?.username
    const mine = Boolean(me && (messages.find(room, id) ?? threads.find(room, id))?.reactions?.[emoji]?.includes(me))
    update(await chat.react(room, id, emoji, !mine))
  }

  /** The reader's newest message in a room that can still be edited (↑ in an empty composer). */
  function lastEditable(room: string): ChatMessage | undefined {
    const me = session.user?.username
    return messages.messagesOf(room).findLast(m => m.username === me && !m.deleted)
  }

  /** Loads older pages until message `id` is held (or the beginning is reached), then highlights it. */
  async function jumpTo(room: string, id: string): Promise<boolean> {
    for (let page = 0; !messages.find(room, id) && messages.history[room]?.hasOlder && page < JUMP_PAGES; page++) {
      if (!await messages.loadOlder(room)) break
    }
    if (!messages.find(room, id)) return false
    highlighted.value = { room, id, at: Date.now() }
    return true
  }

  /** Edits, deletions and reactions since the room was last in sync, each message as it is now. */
  async function catchUp(room: string) {
    const since = messages.history[room]?.syncedAt
    if (since === undefined) return
    let after: string | undefined
    let until: number
    do {
      const page = await chat.catchUpChanges(room, since, after)
      for (const wire of page.messages) update(fromWire(wire))
      until = page.until
      after = page.next ?? undefined
    } while (after)
    messages.markSynced(room, since, until)
  }

  /** After (re)connecting: every room held. */
  async function catchUpAll() {
    await Promise.all(Object.keys(messages.history).map(room => catchUp(room).catch(() => undefined)))
  }

  return { replyingTo, editing, highlighted, startReply, startEditing, clearReply, cancel, update, deleted, reacted, saveEdit, togglePin, remove, toggleReaction, lastEditable, jumpTo, catchUp, catchUpAll }
})
