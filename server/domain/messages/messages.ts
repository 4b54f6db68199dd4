import { randomFillSync } from 'node:crypto'
import type { ChatMessage, MessagePage, PublicUser } from '#shared/types/chat'
import { getDatabase } from '../../storage/database.ts'
import { MessageWriter } from '../../storage/message-writer.ts'
import { batchGetMessageItems, deletedAmong, getMessageItem, queryMessageItems, type MessageKey, type StoredMessage } from '../../storage/messages-table.ts'
import { indexingHooks } from '../search/indexing.ts'
import { messageHtml } from '../text/render-message.ts'

let lastTime = 0

/** Random bytes for ids, drawn from the system 4 KB at a time rather than 8 bytes per message. */
const randomPool = Buffer.alloc(4096)
let randomAt = randomPool.length

function randomHex(bytes: number): string {
  if (randomAt + bytes > randomPool.length) {
    randomFillSync(randomPool)
    randomAt = 0
  }
  randomAt += bytes
  return randomPool.toString('hex', randomAt - bytes, randomAt)
}

/**
 * Message ids sort by time: `<13-digit ms>:<16 hex>`. The clock is made strictly
 * increasing per process so one sender's messages keep their order in history.
 */
export function newMessageId(now = Date.now()): { id: string, time: number } {
  const time = Math.max(now, lastTime + 1)
  lastTime = time
  return { id: `${String(time).padStart(13, '0')}:${randomHex(8)}`, time }
}

export function buildMessage(room: string, author: Pick<PublicUser, 'username' | 'avatar'>, text: string, clientId?: string): ChatMessage {
  const { id, time } = newMessageId()
  return { id, room, username: author.username, avatar: author.avatar, time, content: { text }, html: messageHtml(text), ...(clientId ? { clientId } : {}) }
}

/** The time a message id carries (its first 13 digits). */
export function timeOfMessageId(id: string): number {
  return Number(id.slice(0, 13))
}

/** A stored message as readers get it: with its text rendered (never stored, so a renderer change applies to old messages too). */
export function rendered(message: StoredMessage): ChatMessage {
  return { ...message, html: messageHtml(message.content.text) }
}

// Messages are confirmed once stored; the search indexer's record of them rides in their batch and
// it indexes them afterwards (search/indexer.ts).
const writer = new MessageWriter(getDatabase, 2, indexingHooks)

/**
 * Persists a message; only after this resolves may anyone be told it exists. Messages are
 * confirmed in the order this is called, so callers keep one sender's order by calling in order.
 */
export async function saveMessage(message: ChatMessage): Promise<ChatMessage> {
  await writer.write(message)
  return message
}

/** Waits for every message write under way (graceful shutdown). */
export function drainMessageWrites(): Promise<void> {
  return writer.drain()
}

/** One stored message, or null. */
export async function getMessage(room: string, id: string): Promise<ChatMessage | null> {
  const stored = await getMessageItem(room, id)
  return stored ? rendered(stored) : null
}

/** The stored messages of one room with these ids (missing ones left out), in id order. */
export async function getMessages(room: string, ids: string[]): Promise<ChatMessage[]> {
  return (await getMessagesByKeys(ids.map(id => ({ room, id })))).sort((a, b) => (a.id < b.id ? -1 : 1))
}

/**
 * One page of a room's history as stored (replies' quotes as they were sent). `before` (or
 * neither): newest first, older pages follow. `after`: oldest first from just after that id.
 */
export async function queryMessages(room: string, options: { before?: string, after?: string, limit: number }): Promise<MessagePage> {
  const page = await queryMessageItems(room, options)
  return { messages: page.messages.map(rendered), next: page.next }
}

/** One page of a room's history as readers see it (for catching up after a reconnect too). */
export async function listMessages(room: string, options: { before?: string, after?: string, limit: number }): Promise<MessagePage> {
  const page = await queryMessages(room, options)
  return { ...page, messages: await withoutDeletedQuotes(page.messages) }
}

/** A message's place among messages of several rooms. */
const key = (room: string, id: string) => `${room}\n${id}`

/**
 * A reply stores the quote it was sent with; once the original is deleted, every read shows the
 * quote without its words. Originals among `messages` answer for themselves; the others are read
 * together (one BatchGetItem of keys and the deleted flag, only for pages quoting older messages).
 */
export async function withoutDeletedQuotes(messages: ChatMessage[]): Promise<ChatMessage[]> {
  const quoting = messages.filter(m => m.replyTo && !m.replyTo.deleted)
  if (!quoting.length) return messages
  const held = new Set(messages.map(m => key(m.room, m.id)))
  const deleted = new Set(messages.filter(m => m.deleted).map(m => key(m.room, m.id)))
  const elsewhere = [...new Map(quoting
    .filter(m => !held.has(key(m.room, m.replyTo!.id)))
    .map((m): [string, MessageKey] => [key(m.room, m.replyTo!.id), { room: m.room, id: m.replyTo!.id }])).values()]
  for (const { room, id } of await deletedAmong(elsewhere)) deleted.add(key(room, id))
  return messages.map(m => (m.replyTo && deleted.has(key(m.room, m.replyTo.id))
    ? { ...m, replyTo: { id: m.replyTo.id, username: m.replyTo.username, text: '', deleted: true } }
    : m))
}

/** The newest message of a room, for the sidebar's preview. */
export async function latestMessage(room: string): Promise<ChatMessage | null> {
  // Only its text and time are shown: the page as stored.
  const { messages } = await queryMessages(room, { limit: 1 })
  return messages[0] ?? null
}

/** Stored messages by room and id, as readers see them, in the order asked; those that are gone are left out. */
async function getMessagesByKeys(keys: MessageKey[]): Promise<ChatMessage[]> {
  if (!keys.length) return []
  const found = new Map((await batchGetMessageItems(keys)).map(m => [key(m.room, m.id), rendered(m)]))
  return withoutDeletedQuotes(keys.flatMap(({ room, id }) => found.get(key(room, id)) ?? []))
}
