import { randomBytes } from 'node:crypto'
import { BatchGetCommand, GetCommand, QueryCommand, type BatchGetCommandOutput } from '@aws-sdk/lib-dynamodb'
import type { Attachment, ChatMessage, MessagePage, PublicUser } from '#shared/types/chat'
import { getDatabase } from '../../storage/database.ts'
import { messageHtml } from '../text/render-message.ts'
import { MessageWriter } from '../../storage/message-writer.ts'
import { searchIndexItems } from '../search/indexing.ts'

let lastTime = 0

/**
 * Message ids sort by time: `<13-digit ms>:<16 hex>`. The clock is made strictly
 * increasing per process so one sender's messages keep their order in history.
 */
export function newMessageId(now = Date.now()): { id: string, time: number } {
  const time = Math.max(now, lastTime + 1)
  lastTime = time
  return { id: `${String(time).padStart(13, '0')}:${randomBytes(8).toString('hex')}`, time }
}

export function buildMessage(room: string, author: Pick<PublicUser, 'username' | 'avatar'>, text: string, clientId?: string): ChatMessage {
  const { id, time } = newMessageId()
  return { id, room, username: author.username, avatar: author.avatar, time, content: { text }, html: messageHtml(text), ...(clientId ? { clientId } : {}) }
}

/** The time a message id carries (its first 13 digits). */
export function timeOfMessageId(id: string): number {
  return Number(id.slice(0, 13))
}

// Each message's search index entries are written in its batch (search-index.ts).
const writer = new MessageWriter(getDatabase, 2, searchIndexItems)

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

const PROJECTION = '#room, message, username, avatar, #time, content, clientId, attachments, editedAt, deleted, replyTo, reactions, mentions'

/** Stored reactions are a map of string sets (emptied sets disappear); the app speaks sorted lists. */
function reactionsOf(stored: unknown): Record<string, string[]> | undefined {
  if (!stored || typeof stored !== 'object') return undefined
  const entries = Object.entries(stored as Record<string, Set<string>>)
    .filter(([, users]) => users instanceof Set && users.size)
    .map(([emoji, users]) => [emoji, [...users].sort()] as const)
  return entries.length ? Object.fromEntries(entries) : undefined
}

/** A Messages item as the app knows it (also used on the items update expressions return). */
export function toMessage(item: Record<string, unknown>): ChatMessage {
  const reactions = reactionsOf(item.reactions)
  const replyTo = item.replyTo as ChatMessage['replyTo'] | undefined
  const text = (item.content as { text?: string } | undefined)?.text ?? ''
  return {
    id: item.message as string,
    room: item.room as string,
    username: item.username as string,
    avatar: item.avatar as string,
    time: item.time as number,
    content: { text },
    html: messageHtml(text),
    ...(typeof item.clientId === 'string' ? { clientId: item.clientId } : {}),
    ...(Array.isArray(item.attachments) ? { attachments: item.attachments as Attachment[] } : {}),
    ...(typeof item.editedAt === 'number' ? { editedAt: item.editedAt } : {}),
    ...(item.deleted === true ? { deleted: true as const } : {}),
    ...(replyTo ? { replyTo: { id: replyTo.id, username: replyTo.username, text: replyTo.text } } : {}),
    ...(reactions ? { reactions } : {}),
    ...(Array.isArray(item.mentions) ? { mentions: item.mentions as string[] } : {}),
  }
}

/** One stored message, or null. */
export async function getMessage(room: string, id: string): Promise<ChatMessage | null> {
  const { doc, tables } = await getDatabase()
  const { Item } = await doc.send(new GetCommand({ TableName: tables.messages, Key: { room, message: id }, ProjectionExpression: PROJECTION, ExpressionAttributeNames: { '#room': 'room', '#time': 'time' } }))
  return Item ? toMessage(Item) : null
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
  const { doc, tables } = await getDatabase()
  const forward = Boolean(options.after)
  const cursor = options.after ?? options.before
  const page = await doc.send(new QueryCommand({
    TableName: tables.messages,
    KeyConditionExpression: cursor ? `#room = :room AND message ${forward ? '>' : '<'} :cursor` : '#room = :room',
    ExpressionAttributeNames: { '#room': 'room', '#time': 'time' },
    ExpressionAttributeValues: cursor ? { ':room': room, ':cursor': cursor } : { ':room': room },
    ProjectionExpression: PROJECTION,
    ScanIndexForward: forward,
    Limit: options.limit,
  }))
  const messages = (page.Items ?? []).map(toMessage)
  // LastEvaluatedKey is only set when more items may follow; the cursor we hand out is the last id we returned.
  const next = page.LastEvaluatedKey && messages.length ? messages[messages.length - 1]!.id : null
  return { messages, next }
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
    .map(m => [key(m.room, m.replyTo!.id), { room: m.room, id: m.replyTo!.id }])).values()]
  for (const { room, id } of await deletedAmong(elsewhere)) deleted.add(key(room, id))
  return messages.map(m => (m.replyTo && deleted.has(key(m.room, m.replyTo.id))
    ? { ...m, replyTo: { id: m.replyTo.id, username: m.replyTo.username, text: '', deleted: true } }
    : m))
}

/** Which of these stored messages are deleted (tombstones); those not found are left out. */
async function deletedAmong(keys: { room: string, id: string }[]): Promise<{ room: string, id: string }[]> {
  const items = await batchGetMessages(keys, '#room, message, deleted', { '#room': 'room' })
  return items.filter(item => item.deleted === true).map(item => ({ room: item.room as string, id: item.message as string }))
}

/** Messages items by key, 100 keys per BatchGetItem; unprocessed keys (throttling) are asked again with back-off. */
async function batchGetMessages(keys: { room: string, id: string }[], projection: string, names: Record<string, string>): Promise<Record<string, unknown>[]> {
  const { doc, tables } = await getDatabase()
  const items: Record<string, unknown>[] = []
  for (let start = 0; start < keys.length; start += 100) {
    let pending: Record<string, unknown>[] | undefined = keys.slice(start, start + 100).map(({ room, id }) => ({ room, message: id }))
    for (let attempt = 0; pending?.length && attempt < 5; attempt++) {
      if (attempt) await new Promise(resolve => setTimeout(resolve, 20 * 2 ** attempt))
      const result: BatchGetCommandOutput = await doc.send(new BatchGetCommand({ RequestItems: { [tables.messages]: { Keys: pending, ProjectionExpression: projection, ExpressionAttributeNames: names } } }))
      items.push(...result.Responses?.[tables.messages] ?? [])
      pending = result.UnprocessedKeys?.[tables.messages]?.Keys
    }
    if (pending?.length) throw new Error('DynamoDB did not return the messages (throttled)')
  }
  return items
}

/** The newest message of a room, for the sidebar's preview. */
export async function latestMessage(room: string): Promise<ChatMessage | null> {
  // Only its text and time are shown: the page as stored.
  const { messages } = await queryMessages(room, { limit: 1 })
  return messages[0] ?? null
}

/** Stored messages by room and id (search hits, changes), as readers see them, in the order asked; those that are gone are left out. */
export async function getMessagesByKeys(keys: { room: string, id: string }[]): Promise<ChatMessage[]> {
  if (!keys.length) return []
  const found = new Map((await batchGetMessages(keys, PROJECTION, { '#room': 'room', '#time': 'time' })).map(item => [key(item.room as string, item.message as string), toMessage(item)]))
  return withoutDeletedQuotes(keys.flatMap(({ room, id }) => found.get(key(room, id)) ?? []))
}
