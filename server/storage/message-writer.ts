import { PutCommand } from '@aws-sdk/lib-dynamodb'
import type { ChatMessage } from '#shared/types/chat'
import { batchWrite, type WriteRequest } from './batch-write.ts'
import type { Database } from './database.ts'
import { messageToItem } from './messages-table.ts'

/** The other items stored with a message, in the same batch (its search index entries). */
export type MessageIndexer = (message: ChatMessage, tables: Database['tables']) => WriteRequest[]

/** Messages per batch: DynamoDB's BatchWriteItem maximum, so a batch without index entries is one request. */
const BATCH_LIMIT = 25

interface Pending {
  message: ChatMessage
  resolve: () => void
  reject: (error: Error) => void
}

interface Batch {
  /** Settles once this batch and every batch queued before it have been confirmed; never rejects. */
  confirmed: Promise<void>
}

/**
 * Group commit for messages: while a write is in flight, new messages queue up and go out
 * together in BatchWriteItem calls of up to 25. A lone message is one PutItem with no added
 * delay; under load the number of requests (and the SDK's per-request CPU) drops by the batch size.
 *
 * Batches settle in the order they were queued, and all items of a batch settle together, so
 * messages are confirmed in exactly the order they were written: one sender's order holds.
 *
 * With an indexer, each message's index entries go out with it, in the same BatchWriteItem calls
 * (25 items each, sent together); the message is confirmed only once its entries are stored too.
 */
export class MessageWriter {
  readonly #db: () => Promise<Database>
  readonly #maxInFlight: number
  readonly #indexer: MessageIndexer
  #queue: Pending[] = []
  #inFlight: Batch[] = []
  #idle: (() => void)[] = []

  constructor(db: () => Promise<Database>, maxInFlight = 2, indexer: MessageIndexer = () => []) {
    this.#db = db
    this.#maxInFlight = maxInFlight
    this.#indexer = indexer
  }

  write(message: ChatMessage): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ message, resolve, reject })
      this.#pump()
    })
  }

  /** Resolves when every queued and in-flight write has settled (graceful shutdown). */
  drain(): Promise<void> {
    if (!this.#queue.length && !this.#inFlight.length) return Promise.resolve()
    return new Promise(resolve => this.#idle.push(resolve))
  }

  #pump(): void {
    while (this.#queue.length && this.#inFlight.length < this.#maxInFlight) {
      const items = this.#queue.splice(0, BATCH_LIMIT)
      const previous = this.#inFlight.at(-1)?.confirmed
      const stored = this.#persist(items).then(() => null, (error: Error) => error)
      // Confirm only after the batch before it: confirmations go out in write order.
      const batch: Batch = {
        confirmed: Promise.all([stored, previous]).then(([error]) => {
          for (const item of items) {
            if (error) item.reject(error)
            else item.resolve()
          }
          this.#inFlight.splice(this.#inFlight.indexOf(batch), 1)
          this.#pump()
          if (!this.#queue.length && !this.#inFlight.length) for (const done of this.#idle.splice(0)) done()
        }),
      }
      this.#inFlight.push(batch)
    }
  }

  async #persist(items: Pending[]): Promise<void> {
    const { doc, tables } = await this.#db()
    const requests: WriteRequest[] = []
    for (const { message } of items) requests.push({ table: tables.messages, put: messageToItem(message) }, ...this.#indexer(message, tables))
    if (requests.length === 1) {
      await doc.send(new PutCommand({ TableName: tables.messages, Item: messageToItem(items[0]!.message) }))
      return
    }
    await batchWrite(doc, requests)
  }
}
