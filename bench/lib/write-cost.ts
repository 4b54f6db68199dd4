// DynamoDB write units per message, message and index, from the items the app's own message writer
// and search indexer send (bench/lib/search-corpus.ts's meter), at a given rate: the indexer writes
// what it holds every SEARCH_INDEX_DELAY_MS, or at once when it holds MAX_OPS, so a flush holds
// `rate` × delay messages (at most MAX_OPS), and a word they share costs one block for all.
import { createDatabase, getDatabase, setDatabase } from '../../server/storage/database.ts'
import { MessageWriter } from '../../server/storage/message-writer.ts'
import { ACTIVITY_BUCKET_MS } from '../../server/storage/search-log.ts'
import { MAX_OPS, SearchIndexer } from '../../server/domain/search/indexer.ts'
import { benchMessage, meteredDatabase, Vocabulary } from './search-corpus.ts'
import { round } from './stats.ts'
import { APP_TABLES } from './tables.ts'

/** The default takeover period (SEARCH_INDEX_TAKEOVER_SECONDS): a heartbeat every sixth of it. */
const TAKEOVER_MS = 30_000
const ROOMS = 20
const AUTHORS = 50
/** On-demand write request units, us-east-1 (AWS price list, after the November 2024 cut), USD per million. */
export const USD_PER_MILLION_WRITES = 0.625
/** Standard table class storage, USD per GB-month. */
const USD_PER_GB_MONTH = 0.25

export interface WriteCost {
  shape: string
  rate: number
  /** Messages per flush: rate × delay, at most MAX_OPS. */
  perFlush: number
  messages: number
  /** Write units per message: its own item, and everything the index writes for it. */
  messageUnits: number
  indexUnits: number
  /** Of indexUnits: posting blocks, vocabulary, durable position (heartbeats and activity included at their period). */
  blockUnits: number
  vocabularyUnits: number
  positionUnits: number
  indexItemsPerMessage: number
  /** Index bytes stored per message (plus DynamoDB's 100 bytes per item). */
  indexBytesPerMessage: number
}

/**
 * Writes a steady stream of messages of one shape at `rate` (a flush per `rate` × `delayMs`
 * messages, at most MAX_OPS, after a warm-up that lists the vocabulary's words as a server that has
 * run a while has) and counts what each message costs: three flushes' worth, at least `atLeast`.
 * Heartbeats and activity items are time-based: their share per message is added from their period.
 */
export async function writeCost(endpoint: string, shape: { words: number } | { chars: number }, rate: number, delayMs: number, atLeast: number, warmUp = 20_000): Promise<WriteCost> {
  const perFlush = Math.max(1, Math.min(MAX_OPS, Math.round(rate * delayMs / 1000)))
  const messages = Math.max(atLeast, 3 * perFlush)
  const metered = meteredDatabase(createDatabase({ region: 'us-east-1', endpoint, tables: APP_TABLES }))
  setDatabase(metered.db)
  const indexer = new SearchIndexer({ flushMs: 60_000, takeoverMs: TAKEOVER_MS })
  const writer = new MessageWriter(getDatabase, 2, { companions: (m, t) => indexer.companions(m, t), settled: (m, e) => indexer.settled(m, e) })
  const words = new Vocabulary(5000, 7)
  let time = Date.now()
  const write = async (count: number, perFlush: number) => {
    for (let done = 0; done < count; done += perFlush) {
      const flush = Array.from({ length: Math.min(perFlush, count - done) }, (_, i) => benchMessage(`room-${i % ROOMS}`, `user-${(done + i) % AUTHORS}`, words.text(shape), time += Math.ceil(1000 / rate)))
      await Promise.all(flush.map(m => writer.write(m)))
      await indexer.flush()
    }
  }
  try {
    // A server that has run a while has listed its users' words in the vocabulary: 20,000 messages first.
    await write(warmUp, 1000)
    metered.reset()
    await write(messages, perFlush)
    const reading = metered.read()
    // A heartbeat (one small update) every TAKEOVER_MS / 6, and an activity item per room per bucket.
    const timed = (6000 / TAKEOVER_MS + ROOMS * 1000 / ACTIVITY_BUCKET_MS) / rate
    return {
      shape: 'words' in shape ? `${shape.words} words` : `${shape.chars} characters`,
      rate,
      perFlush,
      messages,
      messageUnits: round(reading.messages / messages, 2),
      indexUnits: round(reading.index / messages + timed, 2),
      blockUnits: round(reading.blocks / messages, 2),
      vocabularyUnits: round(reading.vocabulary / messages, 2),
      positionUnits: round(reading.position / messages + timed, 2),
      indexItemsPerMessage: round(reading.indexItems / messages, 2),
      indexBytesPerMessage: Math.round(reading.indexBytes / messages + 100 * reading.indexItems / messages),
    }
  }
  finally {
    await indexer.stop()
    setDatabase(undefined)
    metered.db.client.destroy()
  }
}

/** Monthly DynamoDB cost of `perDay` messages at this cost per message (writes on demand, storage after a month). */
export function monthlyCost(cost: WriteCost, perDay: number): { writesUsd: number, storageGbAfterMonth: number, storageUsdAfterMonth: number } {
  const month = perDay * 30.4
  const storageGb = month * cost.indexBytesPerMessage / 1e9
  return {
    writesUsd: round(month * (cost.messageUnits + cost.indexUnits) / 1e6 * USD_PER_MILLION_WRITES, 2),
    storageGbAfterMonth: round(storageGb, 2),
    storageUsdAfterMonth: round(storageGb * USD_PER_GB_MONTH, 2),
  }
}
