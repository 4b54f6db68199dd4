import { BatchGetCommand, GetCommand, QueryCommand, UpdateCommand, type BatchGetCommandOutput } from '@aws-sdk/lib-dynamodb'
import type { ChatMessage, LinkPreview, PinMark } from '#shared/types/chat'
import { conditionally, getDatabase } from './database.ts'

/**
 * The Messages table (`room` + `message`): the one module that reads and writes its items. A
 * stored message is a ChatMessage without its HTML (rendered when read, never stored) and with its
 * id as the sort key `message`; reactions are a map of string sets, so concurrent reactions are
 * single atomic updates.
 */
/** A message as stored, without the HTML the domain renders for readers. */
export type StoredMessage = Omit<ChatMessage, 'html'>

// A mapped type, not an interface: an item must be assignable to the SDK's attribute maps.
export type MessageItem = Omit<StoredMessage, 'id' | 'reactions'> & {
  message: string
  reactions?: Record<string, Set<string>>
  /** Bumped by every change of the thread's summary: the condition that keeps concurrent changes apart. */
  threadVersion?: number
}

const PROJECTION = '#room, message, username, avatar, #time, content, clientId, attachments, editedAt, deleted, replyTo, reactions, mentions, previews, pinned, thread, alsoToRoom, threadCount, threadLastAt, threadPeople'
const PROJECTION_NAMES = { '#room': 'room', '#time': 'time' }

/** Stored reactions are a map of string sets (emptied sets disappear); the app speaks sorted lists. */
function reactionsOf(stored: MessageItem['reactions']): Record<string, string[]> | undefined {
  if (!stored) return undefined
  const entries = Object.entries(stored)
    .filter(([, users]) => users instanceof Set && users.size)
    .map(([emoji, users]) => [emoji, [...users].sort()] as const)
  return entries.length ? Object.fromEntries(entries) : undefined
}

const text = (value: unknown): value is string => typeof value === 'string'

/** Stored link cards, field by field (an item written by another version keeps only what this one knows). */
function previewsOf(stored: unknown): LinkPreview[] | undefined {
  if (!Array.isArray(stored)) return undefined
  const previews = stored.flatMap((entry: Partial<Record<keyof LinkPreview, unknown>>): LinkPreview[] => {
    if (!text(entry?.url) || !text(entry.title)) return []
    const image = entry.image as Partial<Record<'id' | 'width' | 'height', unknown>> | undefined
    return [{
      url: entry.url,
      title: entry.title,
      ...(text(entry.description) ? { description: entry.description } : {}),
      ...(text(entry.siteName) ? { siteName: entry.siteName } : {}),
      ...(image && text(image.id) && typeof image.width === 'number' && typeof image.height === 'number' ? { image: { id: image.id, width: image.width, height: image.height } } : {}),
    }]
  })
  return previews.length ? previews : undefined
}

/** The item as the app knows it; the one place a Messages item is read field by field. */
function messageFromItem(record: Record<string, unknown>): StoredMessage {
  const item = record as unknown as MessageItem
  const reactions = reactionsOf(item.reactions)
  const previews = previewsOf(item.previews)
  return {
    id: item.message,
    room: item.room,
    username: item.username,
    avatar: item.avatar,
    time: item.time,
    content: { text: item.content?.text ?? '' },
    ...(typeof item.clientId === 'string' ? { clientId: item.clientId } : {}),
    ...(Array.isArray(item.attachments) ? { attachments: item.attachments } : {}),
    ...(typeof item.editedAt === 'number' ? { editedAt: item.editedAt } : {}),
    ...(item.deleted === true ? { deleted: true as const } : {}),
    ...(item.replyTo ? { replyTo: { id: item.replyTo.id, username: item.replyTo.username, text: item.replyTo.text } } : {}),
    ...(reactions ? { reactions } : {}),
    ...(Array.isArray(item.mentions) ? { mentions: item.mentions } : {}),
    ...(typeof item.thread === 'string' ? { thread: item.thread } : {}),
    ...(item.alsoToRoom === true ? { alsoToRoom: true as const } : {}),
    // A parent whose replies were all deleted keeps no summary.
    ...(typeof item.threadCount === 'number' && item.threadCount > 0
      ? { threadCount: item.threadCount, threadLastAt: item.threadLastAt ?? 0, threadPeople: Array.isArray(item.threadPeople) ? item.threadPeople : [] }
      : {}),
    ...(previews ? { previews } : {}),
    ...(item.pinned && typeof item.pinned.by === 'string' ? { pinned: { by: item.pinned.by, at: Number(item.pinned.at) } } : {}),
  }
}

/**
 * DynamoDB write units a write of this message takes: one per KB of the item, rounded up. The
 * item's JSON is a little larger than DynamoDB's own measure (attribute names and UTF-8 values),
 * so this never counts low.
 */
export function writeUnitsOf(message: ChatMessage): number {
  return Math.max(1, Math.ceil(Buffer.byteLength(JSON.stringify(messageToItem(message), (_key, value: unknown) => value instanceof Set ? [...value] : value)) / 1024))
}

/** A message as the table stores it: its id is the sort key; its HTML is rendered when read. */
export function messageToItem({ id, html: _html, reactions, ...rest }: ChatMessage): MessageItem {
  return {
    ...rest,
    message: id,
    ...(reactions ? { reactions: Object.fromEntries(Object.entries(reactions).map(([emoji, users]) => [emoji, new Set(users)])) } : {}),
  }
}

export async function getMessageItem(room: string, id: string): Promise<StoredMessage | null> {
  const { doc, tables } = await getDatabase()
  const { Item } = await doc.send(new GetCommand({ TableName: tables.messages, Key: { room, message: id }, ProjectionExpression: PROJECTION, ExpressionAttributeNames: PROJECTION_NAMES }))
  return Item ? messageFromItem(Item) : null
}

/** The room's own stream: thread replies are left out unless sent to the room as well. */
const STREAM_FILTER = 'attribute_not_exists(thread) OR alsoToRoom = :yes'
/** Queries one page of the stream may take: replies read and skipped are bounded too. */
const STREAM_ROUNDS = 4
/** Items a round reads at least, so a page of one (the newest message) does not crawl past replies one at a time. */
const STREAM_MIN_READ = 10

/**
 * One page of a room's messages: `before` (or neither) newest first; `after` oldest first from
 * just after that id. `next` is the cursor to go on from when more may follow. With `replies:
 * 'skip'` (the room's stream: history, previews, catch-up) thread replies not sent to the room
 * are filtered out; a page short of them after STREAM_ROUNDS reads comes back with a cursor.
 */
export async function queryMessageItems(room: string, options: { before?: string, after?: string, limit: number, replies?: 'skip' | 'include' }): Promise<{ messages: StoredMessage[], next: string | null }> {
  const { doc, tables } = await getDatabase()
  const forward = Boolean(options.after)
  const cursor = options.after ?? options.before
  const skip = options.replies !== 'include'
  const messages: StoredMessage[] = []
  let start: Record<string, unknown> | undefined
  for (let round = 0; round < (skip ? STREAM_ROUNDS : 1) && messages.length < options.limit; round++) {
    const wanted = options.limit - messages.length
    const page = await doc.send(new QueryCommand({
      TableName: tables.messages,
      KeyConditionExpression: cursor ? `#room = :room AND message ${forward ? '>' : '<'} :cursor` : '#room = :room',
      ExpressionAttributeNames: PROJECTION_NAMES,
      ExpressionAttributeValues: { ':room': room, ...(cursor ? { ':cursor': cursor } : {}), ...(skip ? { ':yes': true } : {}) },
      ProjectionExpression: PROJECTION,
      ...(skip ? { FilterExpression: STREAM_FILTER } : {}),
      ScanIndexForward: forward,
      Limit: skip ? Math.max(wanted, STREAM_MIN_READ) : wanted,
      ...(start ? { ExclusiveStartKey: start } : {}),
    }))
    const items = (page.Items ?? []).map(messageFromItem)
    start = page.LastEvaluatedKey
    if (items.length > wanted) {
      // Read more than the page holds: it goes on from the last message kept.
      messages.push(...items.slice(0, wanted))
      return { messages, next: messages.at(-1)!.id }
    }
    messages.push(...items)
    if (!start) break
  }
  // LastEvaluatedKey is only set when more items may follow: the page goes on from the last item read.
  const next = start ? String(start.message) : null
  return { messages, next }
}

export interface MessageKey { room: string, id: string }

/** Items by key, 100 keys per BatchGetItem; unprocessed keys (throttling) are asked again with back-off. */
async function batchGet(keys: MessageKey[], projection: string, names: Record<string, string>): Promise<Record<string, unknown>[]> {
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

/** Stored messages by key, in no particular order; those not found are left out. */
export async function batchGetMessageItems(keys: MessageKey[]): Promise<StoredMessage[]> {
  return keys.length ? (await batchGet(keys, PROJECTION, PROJECTION_NAMES)).map(messageFromItem) : []
}

/** Which of these messages are tombstones (those not found are left out). */
export async function deletedAmong(keys: MessageKey[]): Promise<MessageKey[]> {
  if (!keys.length) return []
  const items = await batchGet(keys, '#room, message, deleted', { '#room': 'room' })
  return items.map(messageFromItem).filter(m => m.deleted).map(m => ({ room: m.room, id: m.id }))
}

/**
 * Replaces the text of `author`'s message, if it is not deleted and was sent at or after
 * `cutoff`: the message as it was before, or null when the condition refused.
 */
export async function updateMessageText(room: string, id: string, change: { text: string, editedAt: number, author: string, cutoff: number }): Promise<StoredMessage | null> {
  const { doc, tables } = await getDatabase()
  const updated = await conditionally(doc.send(new UpdateCommand({
    TableName: tables.messages,
    Key: { room, message: id },
    UpdateExpression: 'SET content.#text = :text, editedAt = :now',
    ConditionExpression: 'attribute_exists(message) AND username = :me AND attribute_not_exists(deleted) AND #time >= :cutoff',
    ExpressionAttributeNames: { '#text': 'text', '#time': 'time' },
    ExpressionAttributeValues: { ':text': change.text, ':now': change.editedAt, ':me': change.author, ':cutoff': change.cutoff },
    ReturnValues: 'ALL_OLD',
  })))
  return updated?.Attributes ? messageFromItem(updated.Attributes) : null
}

/**
 * Turns a message into a tombstone: no text, quote, reactions or files left on the item. With
 * `author`, only if they wrote it. The message as it was before, or null when the condition refused.
 */
export async function markMessageDeleted(room: string, id: string, author: string | null): Promise<StoredMessage | null> {
  const { doc, tables } = await getDatabase()
  const updated = await conditionally(doc.send(new UpdateCommand({
    TableName: tables.messages,
    Key: { room, message: id },
    UpdateExpression: 'SET deleted = :yes, content = :empty REMOVE replyTo, reactions, attachments, editedAt, previews, pinned',
    ConditionExpression: author ? 'attribute_exists(message) AND username = :me' : 'attribute_exists(message)',
    ExpressionAttributeValues: { ':yes': true, ':empty': { text: '' }, ...(author ? { ':me': author } : {}) },
    ReturnValues: 'ALL_OLD',
  })))
  return updated?.Attributes ? messageFromItem(updated.Attributes) : null
}

/**
 * Pins (`mark`) or unpins (null) a message. Pinning keeps who pinned it first (a second pin changes
 * nothing) and needs a message that is there and not deleted. The message after the update, or
 * null when the condition refused.
 */
export async function setPinned(room: string, id: string, mark: PinMark | null): Promise<StoredMessage | null> {
  const { doc, tables } = await getDatabase()
  const updated = await conditionally(doc.send(new UpdateCommand({
    TableName: tables.messages,
    Key: { room, message: id },
    UpdateExpression: mark ? 'SET pinned = if_not_exists(pinned, :mark)' : 'REMOVE pinned',
    ConditionExpression: 'attribute_exists(message) AND attribute_not_exists(deleted)',
    ...(mark ? { ExpressionAttributeValues: { ':mark': mark } } : {}),
    ReturnValues: 'ALL_NEW',
  })))
  return updated?.Attributes ? messageFromItem(updated.Attributes) : null
}

/**
 * Sets a message's link cards (none: removes them), if its text is still `text` and it is not
 * deleted: cards read for a text that was edited meanwhile are dropped. The message after the
 * update, or null when the condition refused.
 */
export async function setMessagePreviews(room: string, id: string, change: { text: string, previews: LinkPreview[] }): Promise<StoredMessage | null> {
  const { doc, tables } = await getDatabase()
  const updated = await conditionally(doc.send(new UpdateCommand({
    TableName: tables.messages,
    Key: { room, message: id },
    UpdateExpression: change.previews.length ? 'SET previews = :previews' : 'REMOVE previews',
    ConditionExpression: 'attribute_exists(message) AND attribute_not_exists(deleted) AND content.#text = :text',
    ExpressionAttributeNames: { '#text': 'text' },
    ExpressionAttributeValues: { ':text': change.text, ...(change.previews.length ? { ':previews': change.previews } : {}) },
    ReturnValues: 'ALL_NEW',
  })))
  return updated?.Attributes ? messageFromItem(updated.Attributes) : null
}

/**
 * Takes card `index` (still for `url`) off `author`'s message if it was sent at or after `cutoff`.
 * The message after the update, or null when the condition refused (not theirs, deleted, too old,
 * or that card is no longer there).
 */
export async function removeMessagePreview(room: string, id: string, change: { author: string, index: number, url: string, cutoff: number }): Promise<StoredMessage | null> {
  const { doc, tables } = await getDatabase()
  const updated = await conditionally(doc.send(new UpdateCommand({
    TableName: tables.messages,
    Key: { room, message: id },
    UpdateExpression: `REMOVE previews[${change.index}]`,
    ConditionExpression: `username = :me AND attribute_not_exists(deleted) AND #time >= :cutoff AND previews[${change.index}].#url = :url`,
    ExpressionAttributeNames: { '#url': 'url', '#time': 'time' },
    ExpressionAttributeValues: { ':me': change.author, ':url': change.url, ':cutoff': change.cutoff },
    ReturnValues: 'ALL_NEW',
  })))
  return updated?.Attributes ? messageFromItem(updated.Attributes) : null
}

/** DynamoDB refuses `reactions.#e` while the item has no `reactions` map yet. */
const isMissingMap = (error: unknown) => error instanceof Error && error.name === 'ValidationException' && /document path/i.test(error.message)

/**
 * Adds `username` to (or takes them from) the set of people who reacted with `emoji`, in place
 * (`ADD`/`DELETE`), so concurrent reactions each count once. A new emoji is refused once the
 * message carries `max` distinct ones. The message after the update; null when the condition
 * refused (no message, a tombstone, or too many emoji) or there was nothing to take back.
 */
export async function updateReaction(room: string, id: string, change: { emoji: string, username: string, add: boolean, max: number }): Promise<StoredMessage | null> {
  const { doc, tables } = await getDatabase()
  const { emoji, username, add, max } = change
  const update = () => doc.send(new UpdateCommand({
    TableName: tables.messages,
    Key: { room, message: id },
    UpdateExpression: add ? 'ADD reactions.#e :me' : 'DELETE reactions.#e :me',
    ConditionExpression: add
      ? 'attribute_exists(message) AND attribute_not_exists(deleted) AND (attribute_not_exists(reactions) OR attribute_exists(reactions.#e) OR size(reactions) < :max)'
      : 'attribute_exists(message) AND attribute_not_exists(deleted)',
    ExpressionAttributeNames: { '#e': emoji },
    ExpressionAttributeValues: { ':me': new Set([username]), ...(add ? { ':max': max } : {}) },
    ReturnValues: 'ALL_NEW',
  }))
  let missingMap = false
  let updated = await conditionally(update().catch((error: unknown) => {
    if (!isMissingMap(error)) throw error
    missingMap = true
    return null
  }))
  // Nothing to take back from a message without reactions; one to add needs the map first.
  if (missingMap && add) {
    await createReactionMap(room, id)
    updated = await conditionally(update())
  }
  return updated?.Attributes ? messageFromItem(updated.Attributes) : null
}

/** Gives the message an empty `reactions` map (once: a concurrent creator wins, and that is fine). */
async function createReactionMap(room: string, id: string): Promise<void> {
  const { doc, tables } = await getDatabase()
  await conditionally(doc.send(new UpdateCommand({
    TableName: tables.messages,
    Key: { room, message: id },
    UpdateExpression: 'SET reactions = :none',
    ConditionExpression: 'attribute_exists(message) AND attribute_not_exists(reactions)',
    ExpressionAttributeValues: { ':none': {} },
  })))
}

/**
 * Marks attachment `index` (with this id) as thumbnailed, or as download-only when its thumbnail
 * could not be made; false when the message no longer holds it.
 */
export async function markAttachment(room: string, id: string, index: number, attachmentId: string, mark: 'thumbnail' | 'download'): Promise<boolean> {
  const { doc, tables } = await getDatabase()
  return await conditionally(doc.send(new UpdateCommand({
    TableName: tables.messages,
    Key: { room, message: id },
    UpdateExpression: `SET attachments[${index}].${mark} = :yes`,
    ConditionExpression: `attachments[${index}].id = :id`,
    ExpressionAttributeValues: { ':yes': true, ':id': attachmentId },
  }))) !== null
}

/** Messages after `marker` that are not deleted, counting at most `cap` items read: one Query. */
export async function countMessagesAfter(room: string, marker: string, cap: number): Promise<number> {
  const { doc, tables } = await getDatabase()
  const { Count } = await doc.send(new QueryCommand({
    TableName: tables.messages,
    KeyConditionExpression: '#room = :room AND message > :marker',
    // Limit counts before the filter: the cap stays a bound on reads.
    FilterExpression: `attribute_not_exists(deleted) AND (${STREAM_FILTER})`,
    ExpressionAttributeNames: { '#room': 'room' },
    ExpressionAttributeValues: { ':room': room, ':marker': marker, ':yes': true },
    Select: 'COUNT',
    Limit: cap,
  }))
  return Count ?? 0
}

/** What a thread's parent is now, read consistently before its summary changes. */
export interface ThreadState {
  message: StoredMessage
  version: number
  count: number
  lastAt: number
  people: string[]
}

export async function readThreadState(room: string, id: string): Promise<ThreadState | null> {
  const { doc, tables } = await getDatabase()
  const { Item } = await doc.send(new GetCommand({
    TableName: tables.messages,
    Key: { room, message: id },
    ConsistentRead: true,
    ProjectionExpression: `${PROJECTION}, threadVersion`,
    ExpressionAttributeNames: PROJECTION_NAMES,
  }))
  if (!Item) return null
  const item = Item as MessageItem
  return {
    message: messageFromItem(Item),
    version: item.threadVersion ?? 0,
    count: item.threadCount ?? 0,
    lastAt: item.threadLastAt ?? 0,
    people: item.threadPeople ?? [],
  }
}

/**
 * Writes a parent's thread summary if nobody changed it since `version` was read (a reply or a
 * deletion on another instance): false then, and the caller reads again. Parents that are
 * tombstones keep their summary.
 */
export async function writeThreadSummary(room: string, id: string, version: number, summary: { count: number, lastAt: number, people: string[] }): Promise<boolean> {
  const { doc, tables } = await getDatabase()
  return await conditionally(doc.send(new UpdateCommand({
    TableName: tables.messages,
    Key: { room, message: id },
    UpdateExpression: 'SET threadCount = :count, threadLastAt = :lastAt, threadPeople = :people, threadVersion = :next',
    ConditionExpression: version ? 'threadVersion = :version' : 'attribute_exists(message) AND attribute_not_exists(threadVersion)',
    ExpressionAttributeValues: { ':count': summary.count, ':lastAt': summary.lastAt, ':people': summary.people, ':next': version + 1, ...(version ? { ':version': version } : {}) },
  }))) !== null
}

/**
 * The last resort of a summary change that kept losing to others: the count and the newest time
 * change in place (ADD cannot lose an increment), the repliers stay as they are. The summary after.
 */
export async function addToThreadCount(room: string, id: string, delta: number, lastAt: number): Promise<{ count: number, lastAt: number, people: string[] } | null> {
  const { doc, tables } = await getDatabase()
  const updated = await conditionally(doc.send(new UpdateCommand({
    TableName: tables.messages,
    Key: { room, message: id },
    UpdateExpression: 'ADD threadCount :delta, threadVersion :one SET threadLastAt = :lastAt',
    ConditionExpression: 'attribute_exists(message)',
    ExpressionAttributeValues: { ':delta': delta, ':one': 1, ':lastAt': lastAt },
    ReturnValues: 'ALL_NEW',
  })))
  const item = updated?.Attributes as MessageItem | undefined
  return item ? { count: item.threadCount ?? 0, lastAt: item.threadLastAt ?? 0, people: item.threadPeople ?? [] } : null
}
