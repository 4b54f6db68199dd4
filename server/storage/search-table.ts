import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb'
import { getDatabase } from './database.ts'
import { batchWrite, type WriteRequest } from './batch-write.ts'
import { itemSize } from './write-units.ts'

/**
 * The Search table (`key` + `entry`): the message search index, written by the indexer
 * (domain/search/indexer.ts) after messages are stored, and the indexer's own durable position
 * (storage/search-log.ts). The index items:
 *
 * - **Posting blocks**: `key = t#<term>` (or `t1#`, `t2#`: see SPANS), `entry = <newest message
 *   id in the block>#<writer tag>`, `p` = a map from message id to its posting (a 16-character
 *   signature of the message's terms and the index of its room in `r`), `r` = the rooms. One block
 *   holds messages of one indexer flush that contain the term, at most 1 KB (one write unit); a
 *   busy term gets several. Sorted by their newest id, a term's blocks read newest first: once a
 *   block with newest id M is read, every posting at or after M has been.
 * - **Vocabulary**: `key = v#<first letter>`, `entry = <term>`: prefixes are expanded to terms.
 */

/**
 * How much message time a block's postings may span, by tier: a block goes to the first tier its
 * span fits. A reader paging back from `before` must read every block whose newest id is less than
 * a span after it; tiering bounds how many such blocks there are (a block of tier k spans more than
 * tier k-1 allows, so a tier's span holds about SPANS[k] / SPANS[k-1] of a term's blocks per flush
 * stream) while a quiet term's postings of a minutes-long flush still share one block. Tier 0 is
 * the only layout of earlier versions.
 */
const SPANS = [2_000, 30_000, 600_000] as const
export type Tier = 0 | 1 | 2
export const TIERS: readonly Tier[] = [0, 1, 2]
/** One write unit. */
const MAX_BLOCK_BYTES = 1024

/** One message's posting under a term. */
export interface Posting {
  id: string
  room: string
  /** The message's term signature (domain/search/postings.ts), fixed length. */
  signature: string
}

/** A block as read: its newest message id and its postings. */
export interface PostingBlock {
  newest: string
  postings: Posting[]
}

export type PostingBlockItem = { key: string, entry: string, p: Record<string, string>, r: string[] }

const termKey = (term: string, tier: Tier) => `t${tier || ''}#${term}`
export const vocabularyKey = (term: string) => `v#${[...term][0]}`

const timeOf = (id: string) => Number(id.slice(0, 13))
const msKey = (ms: number) => String(ms).padStart(13, '0')

/**
 * The blocks holding `postings` (sorted by id) under `term`, each within one write unit and the
 * longest span, each keyed by the tier its span fits; `tag` makes their keys unique to this
 * writer and flush.
 */
export function postingBlockItems(term: string, postings: Posting[], tag: string): PostingBlockItem[] {
  // Sized with the longest key a block may get.
  const sizingKey = termKey(term, 2)
  const blocks: PostingBlockItem[] = []
  let block: PostingBlockItem | undefined
  let size = 0
  let first = 0
  for (const posting of postings) {
    let roomIndex = block ? block.r.indexOf(posting.room) : -1
    // A map element costs its name, its value and one byte; a new room one byte and its name.
    const cost = (index: number) => 1 + posting.id.length + posting.signature.length + String(index).length + (roomIndex < 0 ? 1 + Buffer.byteLength(posting.room) : 0)
    if (block && (size + cost(roomIndex < 0 ? block.r.length : roomIndex) > MAX_BLOCK_BYTES || timeOf(posting.id) - first > SPANS[2])) {
      blocks.push(block)
      block = undefined
      roomIndex = -1
    }
    if (!block) {
      block = { key: sizingKey, entry: '', p: {}, r: [] }
      // The entry's final length: the newest id, '#', the tag, '.', the block's number (≤ 2 digits).
      size = itemSize({ key: sizingKey, entry: `${posting.id}#${tag}.00`, p: {}, r: [] })
      first = timeOf(posting.id)
    }
    const index = roomIndex < 0 ? block.r.length : roomIndex
    size += cost(index)
    block.p[posting.id] = `${posting.signature}${index}`
    if (roomIndex < 0) block.r.push(posting.room)
  }
  if (block) blocks.push(block)
  // Postings come sorted, so a block's first id is its oldest and its last its newest.
  return blocks.map((b, i) => {
    const ids = postingIds(b)
    const span = timeOf(ids.at(-1)!) - timeOf(ids[0]!)
    return { ...b, key: termKey(term, TIERS.find(tier => span <= SPANS[tier])!), entry: `${ids.at(-1)}#${tag}.${i.toString(36)}` }
  })
}

const postingIds = (block: PostingBlockItem) => Object.keys(block.p)

function decodeBlock(item: Record<string, unknown>): PostingBlock {
  const rooms = (item.r as string[] | undefined) ?? []
  const postings: Posting[] = []
  for (const [id, value] of Object.entries((item.p as Record<string, string> | undefined) ?? {})) {
    const room = rooms[Number(value.slice(16))]
    if (room !== undefined) postings.push({ id, room, signature: value.slice(0, 16) })
  }
  const entry = String(item.entry)
  return { newest: entry.slice(0, entry.indexOf('#')), postings }
}

/** A read position in one term's blocks (DynamoDB's own), or undefined to start from the newest. */
export type BlockCursor = Record<string, unknown> | undefined

/**
 * Blocks of `term` in one tier that may hold postings with ids in [from, before), newest first:
 * at most `limit` from `start`. `next` is where to go on, undefined once the tier is read to its end.
 */
export async function queryPostingBlocks(term: string, tier: Tier, options: { before?: string, from?: string, limit: number, start: BlockCursor }): Promise<{ blocks: PostingBlock[], next: BlockCursor }> {
  const { doc, tables } = await getDatabase()
  // A block holding an id before `before` has its newest id less than its tier's span after it.
  const upper = options.before ? msKey(timeOf(options.before) + SPANS[tier] + 1) : undefined
  const conditions = ['#key = :key']
  const values: Record<string, string> = { ':key': termKey(term, tier) }
  if (upper && options.from) {
    conditions.push('#entry BETWEEN :from AND :upper')
    Object.assign(values, { ':from': options.from, ':upper': upper })
  }
  else if (upper) {
    conditions.push('#entry < :upper')
    values[':upper'] = upper
  }
  else if (options.from) {
    conditions.push('#entry >= :from')
    values[':from'] = options.from
  }
  const result = await doc.send(new QueryCommand({
    TableName: tables.search,
    KeyConditionExpression: conditions.join(' AND '),
    ExpressionAttributeNames: { '#key': 'key', ...conditions.length > 1 ? { '#entry': 'entry' } : {} },
    ExpressionAttributeValues: values,
    ScanIndexForward: false,
    Limit: options.limit,
    ExclusiveStartKey: options.start,
  }))
  return { blocks: (result.Items ?? []).map(decodeBlock), next: result.LastEvaluatedKey }
}

/** Takes message `id`'s posting out of `term`'s blocks, in every tier (a deleted message, an edited one's old terms). */
export async function removePosting(term: string, id: string): Promise<void> {
  const { doc, tables } = await getDatabase()
  await Promise.all(TIERS.map(async (tier) => {
    const key = termKey(term, tier)
    const { Items = [] } = await doc.send(new QueryCommand({
      TableName: tables.search,
      KeyConditionExpression: '#key = :key AND #entry BETWEEN :id AND :upper',
      FilterExpression: 'attribute_exists(p.#id)',
      ExpressionAttributeNames: { '#key': 'key', '#entry': 'entry', '#id': id },
      ExpressionAttributeValues: { ':key': key, ':id': id, ':upper': msKey(timeOf(id) + SPANS[tier] + 1) },
      ProjectionExpression: '#entry',
    }))
    // REMOVE of one map element: concurrent removals from one block never undo each other.
    await Promise.all(Items.map(item => doc.send(new UpdateCommand({
      TableName: tables.search,
      Key: { key, entry: item.entry },
      UpdateExpression: 'REMOVE p.#id',
      ExpressionAttributeNames: { '#id': id },
    }))))
  }))
}

export function vocabularyItem(term: string, table: string): WriteRequest {
  return { table, put: { key: vocabularyKey(term), entry: term } }
}

/** Writes index items (blocks, vocabulary), `concurrency` BatchWriteItem calls at a time. */
export async function writeIndexItems(requests: WriteRequest[], concurrency: number): Promise<void> {
  const { doc } = await getDatabase()
  await batchWrite(doc, requests, { concurrency })
}

/** Entries of `key` starting with `prefix` (vocabulary lookups), in key order, at most `limit`. */
export async function queryEntriesStartingWith(key: string, prefix: string, limit: number): Promise<string[]> {
  const { doc, tables } = await getDatabase()
  const { Items = [] } = await doc.send(new QueryCommand({
    TableName: tables.search,
    KeyConditionExpression: '#key = :key AND begins_with(#entry, :prefix)',
    ExpressionAttributeNames: { '#key': 'key', '#entry': 'entry' },
    ExpressionAttributeValues: { ':key': key, ':prefix': prefix },
    Limit: limit,
  }))
  return Items.map(item => String(item.entry))
}
