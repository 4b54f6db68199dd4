import { DeleteCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb'
import { conditionally, getDatabase, queryPages } from './database.ts'
import type { WriteRequest } from './batch-write.ts'
import type { MessageKey } from './messages-table.ts'

/**
 * The search indexer's durable position, kept in the Search table beside the index (see
 * domain/search/indexer.ts for how it is used). Each server process indexes under a log id of
 * its own:
 *
 * - **Head** (`key = logs`, `entry = <log id>`): `beat` (ms, refreshed every few seconds while the
 *   process lives), `position` (every message this process stored without a log entry, and has
 *   not indexed, has an id at or after it), `done` (log entries up to this number are indexed),
 *   `owner` (the log id of a process recovering it). A head whose beat stopped is recovered by
 *   another process and then deleted.
 * - **Activity** (`key = a#<log id>#<10-minute bucket>`, `entry = <room>`): the rooms the process
 *   wrote messages in, written with the first message of each room in each bucket, in the same
 *   batch as that message. Recovery reads the rooms' messages from `position` on.
 * - **Log entries** (`key = l#<log id>`, `entry = <number>`): what `position` cannot cover — edits
 *   (written before the edit is) and messages stored late (a retried send under an old id).
 *
 * Activity and log entries expire through DynamoDB's TTL on `expiresAt` (infra/resources.yml).
 */

export const ACTIVITY_BUCKET_MS = 600_000
const HEADS = 'logs'
const KEEP_SECONDS = 2 * 86_400

export interface IndexerHead {
  log: string
  beat: number
  position: string
  done: number
  owner?: string
}

const expiresAt = (now: number) => Math.floor(now / 1000) + KEEP_SECONDS
const activityKey = (log: string, bucket: number) => `a#${log}#${bucket}`
const logKey = (log: string) => `l#${log}`
const seqKey = (seq: number) => String(seq).padStart(12, '0')

export const activityBucket = (ms: number) => Math.floor(ms / ACTIVITY_BUCKET_MS)

function encodeRefs(refs: MessageKey[]): string {
  return refs.map(({ room, id }) => `${room} ${id}`).join('\n')
}

function decodeRefs(text: string): MessageKey[] {
  return text.split('\n').filter(Boolean).map((line) => {
    const [room, id] = line.split(' ')
    return { room: room!, id: id! }
  })
}

export function headItem(table: string, head: Omit<IndexerHead, 'owner'>): WriteRequest {
  return { table, put: { key: HEADS, entry: head.log, beat: head.beat, position: head.position, done: head.done } }
}

/** Refreshes a process's own head (creating it if a recovery deleted it meanwhile). */
export async function beatHead(head: Omit<IndexerHead, 'owner'>): Promise<void> {
  const { doc, tables } = await getDatabase()
  await doc.send(new UpdateCommand({
    TableName: tables.search,
    Key: { key: HEADS, entry: head.log },
    UpdateExpression: 'SET beat = :beat, #position = :position, done = :done',
    ExpressionAttributeNames: { '#position': 'position' },
    ExpressionAttributeValues: { ':beat': head.beat, ':position': head.position, ':done': head.done },
  }))
}

/** Every item of one partition, page by page (a head list or one bucket's rooms: small). */
async function wholePartition(key: string, projection?: string): Promise<Record<string, unknown>[]> {
  const { tables } = await getDatabase()
  return queryPages({
    TableName: tables.search,
    KeyConditionExpression: '#key = :key',
    ExpressionAttributeNames: { '#key': 'key', ...(projection ? { '#entry': 'entry' } : {}) },
    ExpressionAttributeValues: { ':key': key },
    ...(projection ? { ProjectionExpression: projection } : {}),
  })
}

/** Every head: the live processes and those waiting to be recovered. */
export async function listHeads(): Promise<IndexerHead[]> {
  return (await wholePartition(HEADS)).map(item => ({ log: String(item.entry), beat: Number(item.beat), position: String(item.position), done: Number(item.done), ...(item.owner ? { owner: String(item.owner) } : {}) }))
}

/** Takes a stale head over for recovery, unless someone beat it (or took it) since it was read. */
export async function claimHead(head: IndexerHead, owner: string, now: number): Promise<boolean> {
  const { doc, tables } = await getDatabase()
  return await conditionally(doc.send(new UpdateCommand({
    TableName: tables.search,
    Key: { key: HEADS, entry: head.log },
    UpdateExpression: 'SET beat = :now, #owner = :owner',
    ConditionExpression: 'beat = :seen',
    ExpressionAttributeNames: { '#owner': 'owner' },
    ExpressionAttributeValues: { ':now': now, ':owner': owner, ':seen': head.beat },
  }))) !== null
}

/** Keeps a claim alive during a long recovery; false once another process holds the head. */
export async function beatClaim(log: string, owner: string, now: number): Promise<boolean> {
  const { doc, tables } = await getDatabase()
  return await conditionally(doc.send(new UpdateCommand({
    TableName: tables.search,
    Key: { key: HEADS, entry: log },
    UpdateExpression: 'SET beat = :now',
    ConditionExpression: '#owner = :owner',
    ExpressionAttributeNames: { '#owner': 'owner' },
    ExpressionAttributeValues: { ':now': now, ':owner': owner },
  }))) !== null
}

/** Removes a head: the process's own on a clean stop, or a recovered one (only while `owner` holds it). */
export async function deleteHead(log: string, owner?: string): Promise<void> {
  const { doc, tables } = await getDatabase()
  await conditionally(doc.send(new DeleteCommand({
    TableName: tables.search,
    Key: { key: HEADS, entry: log },
    ...(owner ? { ConditionExpression: '#owner = :owner', ExpressionAttributeNames: { '#owner': 'owner' }, ExpressionAttributeValues: { ':owner': owner } } : {}),
  })))
}

export function activityItem(table: string, log: string, bucket: number, room: string, now: number): WriteRequest {
  return { table, put: { key: activityKey(log, bucket), entry: room, expiresAt: expiresAt(now) } }
}

/** The rooms a log's process wrote in during one bucket. */
export async function activeRooms(log: string, bucket: number): Promise<string[]> {
  return (await wholePartition(activityKey(log, bucket), '#entry')).map(item => String(item.entry))
}

export function logItem(table: string, log: string, seq: number, refs: MessageKey[], now: number): WriteRequest {
  return { table, put: { key: logKey(log), entry: seqKey(seq), refs: encodeRefs(refs), expiresAt: expiresAt(now) } }
}

export async function putLogItem(log: string, seq: number, refs: MessageKey[], now: number): Promise<void> {
  const { doc, tables } = await getDatabase()
  const request = logItem(tables.search, log, seq, refs, now)
  if ('put' in request) await doc.send(new PutCommand({ TableName: tables.search, Item: request.put }))
}

/** A log's entries after `done`, oldest first, at most `limit`. */
export async function readLog(log: string, done: number, limit: number): Promise<{ seq: number, refs: MessageKey[] }[]> {
  const { doc, tables } = await getDatabase()
  const { Items = [] } = await doc.send(new QueryCommand({
    TableName: tables.search,
    KeyConditionExpression: '#key = :key AND #entry > :done',
    ExpressionAttributeNames: { '#key': 'key', '#entry': 'entry' },
    ExpressionAttributeValues: { ':key': logKey(log), ':done': seqKey(done) },
    Limit: limit,
  }))
  return Items.map(item => ({ seq: Number(item.entry), refs: decodeRefs(String(item.refs ?? '')) }))
}
