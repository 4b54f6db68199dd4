import { defineStore } from 'pinia'
import type { ReplyQuote } from '#shared/types/chat'

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

/**
 * The messages this page is sending: shown at once as "sending", replaced by the stored message
 * from the acknowledgement, kept with their reason when refused. A send is settled as soon as its
 * stored message is held, however that came (the ack, or a catch-up after a failure or a reconnect).
 */
export const useOutboxStore = defineStore('outbox', () => {
  const chat = useChatSocket()
  const session = useSessionStore()
  const messages = useMessagesStore()

  const pending = ref<Record<string, PendingMessage[]>>({})

  /** Ids of this reader's sends that the room's history holds as stored messages. */
  function storedSends(room: string): Set<string> {
    const me = session.user?.username
    return new Set(messages.messagesOf(room).flatMap(m => (m.clientId && m.username === me ? [m.clientId] : [])))
  }

  /** The room's sends not stored yet, in the order they were made. */
  function pendingOf(room: string): PendingMessage[] {
    const list = pending.value[room]
    if (!list?.length) return []
    const stored = storedSends(room)
    return list.filter(p => !stored.has(p.id))
  }

  /** Removes a send (and those already stored) from the room's list. */
  function settle(room: string, id?: string) {
    const list = pending.value[room]
    if (!list) return
    const stored = storedSends(room)
    pending.value[room] = list.filter(p => p.id !== id && !stored.has(p.id))
  }

  async function deliver(item: PendingMessage) {
    item.status = 'sending'
    item.error = null
    try {
      const stored = await chat.sendMessage(item.room, item.text, item.id, { attachments: item.attachments, replyTo: item.replyTo?.id })
      settle(item.room, item.id)
      messages.sent(stored)
    }
    catch (error) {
      // No answer is not a refusal: it may have been stored. Catching up settles it if so, before
      // a retry is offered (and a retry with the same id would be stored once anyway).
      if (error instanceof AckTimeoutError) await messages.catchUp(item.room).catch(() => undefined)
      const live = pendingOf(item.room).find(p => p.id === item.id)
      if (live) {
        live.status = 'failed'
        live.error = (error as Error).message
      }
      else settle(item.room)
    }
  }

  /** Shows the message at once as "sending", then replaces it with the stored one from the ack. */
  async function send(room: string, text: string, options: { attachments?: string[], replyTo?: ReplyQuote } = {}) {
    const { attachments, replyTo } = options
    const item: PendingMessage = { id: crypto.randomUUID(), room, text, time: Date.now(), status: 'sending', error: null, ...(attachments?.length ? { attachments } : {}), ...(replyTo ? { replyTo } : {}) }
    settle(room)
    ;(pending.value[room] ??= []).push(item)
    const live = pending.value[room]!.at(-1)!
    // Sending while reading old messages goes back to the present, where the message will show.
    if (messages.history[room]?.hasNewer) await messages.jumpToLatest(room).catch(() => undefined)
    return deliver(live)
  }

  function retry(room: string, id: string) {
    const item = pendingOf(room).find(p => p.id === id)
    if (item && item.status === 'failed') return deliver(item)
  }

  function discard(room: string, id: string) {
    settle(room, id)
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

  watch(() => session.owner, (now, before) => { if (before && now !== before) pending.value = {} })

  return { pending, pendingOf, send, retry, discard, failInFlight }
})
