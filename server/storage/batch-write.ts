import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb'
import type { DynamoDBDocumentClient, BatchWriteCommandInput } from '@aws-sdk/lib-dynamodb'

/** One item to put or one key to delete, in a named table. */
export type WriteRequest
  = | { table: string, put: Record<string, unknown> }
    | { table: string, delete: Record<string, unknown> }

const BATCH_LIMIT = 25 // DynamoDB's BatchWriteItem maximum
const RETRIES = 5

type RequestItems = NonNullable<BatchWriteCommandInput['RequestItems']>

function group(requests: WriteRequest[]): RequestItems {
  const items: RequestItems = {}
  for (const request of requests) {
    const list = items[request.table] ??= []
    list.push('put' in request ? { PutRequest: { Item: request.put } } : { DeleteRequest: { Key: request.delete } })
  }
  return items
}

function count(items: RequestItems): number {
  return Object.values(items).reduce((sum, list) => sum + list.length, 0)
}

/** One BatchWriteItem of at most 25 requests, retrying what DynamoDB left unprocessed (throttling) with back-off. */
async function writeChunk(doc: DynamoDBDocumentClient, requests: WriteRequest[]): Promise<void> {
  let items = group(requests)
  for (let attempt = 0; count(items); attempt++) {
    if (attempt > RETRIES) throw new Error('DynamoDB did not accept the writes (throttled)')
    if (attempt) await new Promise(resolve => setTimeout(resolve, 20 * 2 ** attempt))
    const result = await doc.send(new BatchWriteCommand({ RequestItems: items }))
    items = result.UnprocessedItems ?? {}
  }
}

/**
 * Writes any number of puts and deletes, across tables, as BatchWriteItem calls of up to 25 sent
 * together (or `concurrency` at a time: background writers leave the database room for the
 * writes someone is waiting for). Resolves when all are stored, rejects if any chunk failed
 * (others may be stored: BatchWriteItem is not a transaction).
 */
export async function batchWrite(doc: DynamoDBDocumentClient, requests: WriteRequest[], options: { concurrency?: number } = {}): Promise<void> {
  const chunks: WriteRequest[][] = []
  for (let i = 0; i < requests.length; i += BATCH_LIMIT) chunks.push(requests.slice(i, i + BATCH_LIMIT))
  let next = 0
  const lane = async (): Promise<void> => {
    while (next < chunks.length) await writeChunk(doc, chunks[next++]!)
  }
  const lanes = Math.min(chunks.length, options.concurrency ?? chunks.length)
  const results = await Promise.allSettled(Array.from({ length: lanes }, lane))
  const failed = results.find(r => r.status === 'rejected')
  if (failed) throw failed.reason
}
