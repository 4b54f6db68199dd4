import { PutCommand } from '@aws-sdk/lib-dynamodb'
import type { ChatMessage } from '#shared/types/chat'
import { batchWrite, type WriteRequest } from './batch-write.ts'
import type { Database } from './database.ts'
import { messageToItem } from './messages-table.ts'
import { threadEntryRequest } from './threads-table.ts'
import { log } from '../core/logger.ts'

/**
 * What rides with the messages (the search indexer's, domain/search/indexer.ts): items stored in
 * the same BatchWriteItem calls as a batch of messages, so that they are durable together (the
 * indexer's record of where to resume), and a word once the batch is stored or has failed.
 */
export interface MessageWriterHooks {
  companions?: (messages: ChatMessage[], tables: Database['tables']) => WriteRequest[]
  /** `error` set: the batch failed, and its messages may or may not be stored. */
  settled?: (messages: ChatMessage[], error: Error | null) => void
}

/** Messages per batch: one under DynamoDB's BatchWriteItem maximum, so a companion item still fits one request. */
const BATCH_LIMIT = 24

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
 * The search index is not written here: a message is confirmed once it is stored, and the hooks'
 * companions (rare, small items) are stored in the same request.
 */
export class MessageWriter {
  readonly #db: () => Promise<Database>
  readonly #maxInFlight: number
  readonly #hooks: MessageWriterHooks
  #queue: Pending[] = []
  #inFlight: Batch[] = []
  #idle: (() => void)[] = []

  constructor(db: () => Promise<Database>, maxInFlight = 2, hooks: MessageWriterHooks = {}) {
    this.#db = db
    this.#maxInFlight = maxInFlight
    this.#hooks = hooks
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
      // One array for both hooks: the indexer matches a batch's settling to its companions by it.
      const messages = items.map(item => item.message)
      const stored = this.#persist(messages).then(() => null, (error: Error) => error)
        .then((error) => {
          try {
            this.#hooks.settled?.(messages, error)
          }
          catch (failure) {
            // Whatever the index makes of it, the senders get their answer.
            log.error('messages.settled_hook_failed', { error: failure })
          }
          return error
        })
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

  async #persist(messages: ChatMessage[]): Promise<void> {
    const { doc, tables } = await this.#db()
    const requests: WriteRequest[] = messages.map(message => ({ table: tables.messages, put: messageToItem(message) }))
    requests.push(...this.#hooks.companions?.(messages, tables) ?? [])
    // A reply's entry in its thread is stored with it (after the companions, which must share the
    // messages' first request): a stored reply is listed in its thread.
    for (const { room, thread, id } of messages) if (thread) requests.push(threadEntryRequest(tables, room, thread, id))
    const [only] = requests
    if (requests.length === 1 && only && 'put' in only) {
      await doc.send(new PutCommand({ TableName: tables.messages, Item: only.put }))
      return
    }
    await batchWrite(doc, requests)
  }
}
