import { BatchWriteCommand, PutCommand } from '@aws-sdk/lib-dynamodb'
import type { ChatMessage } from '#shared/types/chat'
import type { Database } from './database.ts'

const BATCH_LIMIT = 25 // DynamoDB's BatchWriteItem maximum
const RETRIES = 5

interface Pending {
  message: ChatMessage
  resolve: () => void
  reject: (error: Error) => void
}

/**
 * Group commit for messages: while one write is in flight, new messages queue up and go
 * out together in BatchWriteItem calls of up to 25. Under light load each message is a
 * single PutItem with no added delay; under heavy load the number of requests drops ~25×.
 * Each message's promise settles only once DynamoDB has it, so nobody hears of it earlier.
 */
export class MessageWriter {
  readonly #db: () => Promise<Database>
  #queue: Pending[] = []
  #inFlight = 0
  #idle: (() => void)[] = []
  readonly #maxInFlight: number

  constructor(db: () => Promise<Database>, maxInFlight = 4) {
    this.#db = db
    this.#maxInFlight = maxInFlight
  }

  write(message: ChatMessage): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ message, resolve, reject })
      this.#pump()
    })
  }

  /** Resolves when every queued and in-flight write has settled (graceful shutdown). */
  drain(): Promise<void> {
    if (!this.#queue.length && !this.#inFlight) return Promise.resolve()
    return new Promise(resolve => this.#idle.push(resolve))
  }

  #pump(): void {
    while (this.#queue.length && this.#inFlight < this.#maxInFlight) {
      const batch = this.#queue.splice(0, BATCH_LIMIT)
      this.#inFlight++
      this.#flush(batch).finally(() => {
        this.#inFlight--
        this.#pump()
        if (!this.#queue.length && !this.#inFlight) for (const done of this.#idle.splice(0)) done()
      })
    }
  }

  async #flush(batch: Pending[]): Promise<void> {
    try {
      const { doc, tables } = await this.#db()
      if (batch.length === 1) {
        await doc.send(new PutCommand({ TableName: tables.messages, Item: batch[0]!.message }))
        batch[0]!.resolve()
        return
      }
      let remaining = batch
      for (let attempt = 0; remaining.length && attempt <= RETRIES; attempt++) {
        if (attempt) await new Promise(r => setTimeout(r, 20 * 2 ** attempt))
        const result = await doc.send(new BatchWriteCommand({
          RequestItems: { [tables.messages]: remaining.map(p => ({ PutRequest: { Item: p.message } })) },
        }))
        const unprocessed = new Set((result.UnprocessedItems?.[tables.messages] ?? []).map(r => r.PutRequest?.Item?.message as string))
        for (const pending of remaining) if (!unprocessed.has(pending.message.message)) pending.resolve()
        remaining = remaining.filter(p => unprocessed.has(p.message.message))
      }
      for (const pending of remaining) pending.reject(new Error('DynamoDB did not accept the message (throttled)'))
    }
    catch (error) {
      for (const pending of batch) pending.reject(error as Error)
    }
  }
}
