import { defineStore } from 'pinia'
import type { ReplyQuote } from '#shared/types/chat'

/** A message typed here that the server has not stored yet (or refused). Its text is never lost. */
export interface PendingMessage {
  /** Also the send's `clientId`: the server stores a retried send once, and catching up recognises it. */
  id: string
  room: string
  text: string
  time: number
  /** `queued`: waiting for the connection; `sending`: asked, no answer yet; `failed`: refused (or no answer). */
  status: 'queued' | 'sending' | 'failed'
  error: string | null
  /** Upload ids of files already stored in the bucket, sent with the text. */
  attachments?: string[]
  /** The message this one answers (shown while sending; the server quotes the stored original). */
  replyTo?: ReplyQuote
  /** A thread reply: shown in its thread's panel, not in the room's list (unless also sent to the room). */
  thread?: string
  alsoToRoom?: true
}

/** Where a tab keeps one account's unsent messages: per tab (sessionStorage), like drafts. */
const storageKey = (username: string) => `fargate-chat:outbox:${username}`

/**
 * The messages this page is sending: shown at once, sent in the order typed as soon as (and as
 * long as) the connection is there, replaced by the stored message from the acknowledgement, kept
 * with their reason when refused. Typed while offline, they wait as `queued`, also across a reload
 * of the tab (sessionStorage, under the account's name: another account on this tab never sees
 * them). A send is settled as soon as its stored message is held, however that came (the ack, or
 * a catch-up after a reconnect), and every attempt carries the same client id, so the server
 * stores it once.
 */
export const useOutboxStore = defineStore('outbox', () => {
  const chat = useChatSocket()
  const session = useSessionStore()
  const messages = useMessagesStore()
  const threads = useThreadsStore()

  const pending = ref<Record<string, PendingMessage[]>>({})
  /** The account whose saved messages this page has read (after hydration: the server renders none). */
  let restoredFor: string | null = null
  /** Each send's latest attempt: an answer to an earlier one (after a reconnect) changes nothing. */
  const attempts = new Map<string, number>()

  function storage(): Storage | null {
    try {
      return import.meta.client ? window.sessionStorage : null
    }
    catch {
      return null // storage disabled by the browser: the outbox lasts as long as the page
    }
  }

  /** Writes what is unsent to the tab's storage (nothing left: the entry goes), after reading what was there. */
  function save() {
    const username = session.user?.username
    if (!username) return
    if (restoredFor !== username) return restore()
    const items = Object.values(pending.value).flat()
    try {
      if (items.length) storage()?.setItem(storageKey(username), JSON.stringify(items))
      else storage()?.removeItem(storageKey(username))
    }
    catch {
      // Full or disabled storage: the messages still last as long as the page.
    }
  }

  /** Puts back what the signed-in account left unsent in this tab (after a reload), once per account. */
  function restore() {
    const username = session.user?.username ?? null
    if (!username || restoredFor === username) return
    restoredFor = username
    let saved: PendingMessage[] = []
    try {
      // This page's own writing (a damaged entry is replaced on the next save).
      saved = JSON.parse(storage()?.getItem(storageKey(username)) ?? '[]')
    }
    catch { /* see above */ }
    for (const item of saved) {
      const list = (pending.value[item.room] ??= [])
      // Whether a send under way when the tab went away was stored is not known: asking again
      // under the same client id is safe.
      if (item.status === 'sending') item.status = 'queued'
      if (!list.some(p => p.id === item.id)) list.push(item)
    }
    save()
  }

  /** Ids of this reader's sends that the room's history holds as stored messages. */
  function storedSends(room: string): Set<string> {
    const me = session.user?.username
    return new Set(messages.messagesOf(room).flatMap(m => (m.clientId && m.username === me ? [m.clientId] : [])))
  }

  /** The room's sends not stored yet, in the order they were made (thread replies are their thread's). */
  function pendingOf(room: string): PendingMessage[] {
    const list = pending.value[room]
    if (!list?.length) return []
    const stored = storedSends(room)
    return list.filter(p => !stored.has(p.id) && !p.thread)
  }

  /** A thread's sends not acknowledged yet. */
  function pendingOfThread(room: string, thread: string): PendingMessage[] {
    return pending.value[room]?.filter(p => p.thread === thread) ?? []
  }

  /** Removes a send (and those already stored) from the room's list. */
  function settle(room: string, id?: string) {
    const list = pending.value[room]
    if (!list) return
    const stored = storedSends(room)
    pending.value[room] = list.filter(p => p.id !== id && !stored.has(p.id))
    save()
  }

  async function deliver(item: PendingMessage) {
    const attempt = (attempts.get(item.id) ?? 0) + 1
    attempts.set(item.id, attempt)
    item.status = 'sending'
    item.error = null
    save()
    try {
      const stored = await chat.sendMessage(item.room, item.text, item.id, { attachments: item.attachments, replyTo: item.replyTo?.id, thread: item.thread, alsoToRoom: item.alsoToRoom })
      settle(item.room, item.id)
      if (stored.thread) threads.received(stored)
      if (!stored.thread || stored.alsoToRoom) messages.sent(stored)
    }
    catch (error) {
      // No answer is not a refusal: it may have been stored. Catching up settles it if so.
      if (error instanceof AckTimeoutError) await messages.catchUp(item.room).catch(() => undefined)
      const live = pending.value[item.room]?.find(p => p.id === item.id && (p.thread || !storedSends(item.room).has(p.id)))
      if (!live) return settle(item.room)
      // Sent again meanwhile (the connection came back): that attempt decides.
      if (attempts.get(item.id) !== attempt) return
      if (!chat.isConnected()) {
        // The connection went (or never was there): sent again, in order, once it is back.
        live.status = 'queued'
        live.error = null
      }
      else {
        live.status = 'failed'
        live.error = (error as Error).message
      }
      save()
    }
  }

  /**
   * Sends everything queued, in the order it was typed, while connected: one socket keeps the order
   * of its sends, so each goes at once without waiting for the answer to the one before.
   */
  async function flush() {
    if (!chat.isConnected()) return
    const queued = Object.values(pending.value).flat().filter(item => item.status === 'queued')
    await Promise.all(queued.map(item => deliver(item)))
  }

  /** Shows the message at once, then sends it (now, or once the connection is back). */
  async function send(room: string, text: string, options: { attachments?: string[], replyTo?: ReplyQuote, thread?: string, alsoToRoom?: boolean } = {}) {
    const { attachments, replyTo, thread, alsoToRoom } = options
    const item: PendingMessage = {
      id: crypto.randomUUID(), room, text, time: Date.now(), status: 'queued', error: null,
      ...(attachments?.length ? { attachments } : {}), ...(replyTo ? { replyTo } : {}),
      ...(thread ? { thread, ...(alsoToRoom ? { alsoToRoom: true as const } : {}) } : {}),
    }
    settle(room)
    ;(pending.value[room] ??= []).push(item)
    save()
    // Sending while reading old messages goes back to the present, where the message will show.
    if (!thread && messages.history[room]?.hasNewer) await messages.jumpToLatest(room).catch(() => undefined)
    // Offline it waits; online it goes, after whatever was still waiting.
    await flush()
  }

  /** Tries a refused send again (once the connection is back, when offline). */
  async function retry(room: string, id: string) {
    const item = pendingOf(room).find(p => p.id === id)
    if (item?.status !== 'failed') return
    item.status = 'queued'
    item.error = null
    save()
    await flush()
  }

  function discard(room: string, id: string) {
    settle(room, id)
  }

  /**
   * The connection dropped: sends without an answer go back to the queue (whether they were stored
   * is not known: the catch-up after the reconnect settles those that were, the others go again).
   */
  function connectionLost() {
    for (const list of Object.values(pending.value)) {
      for (const item of list) if (item.status === 'sending') item.status = 'queued'
    }
    save()
  }

  watch(() => session.owner, (now, before) => {
    if (before && now !== before) {
      pending.value = {}
      restoredFor = null
    }
  })
  // Signing out leaves nothing unsent behind in this tab for the next person at this browser.
  watch(() => session.user?.username ?? null, (now, before) => {
    if (!before || now) return
    storage()?.removeItem(storageKey(before))
    pending.value = {}
    restoredFor = null
  })

  return { pending, pendingOf, pendingOfThread, restore, send, flush, retry, discard, connectionLost }
})
