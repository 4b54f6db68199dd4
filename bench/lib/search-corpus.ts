// The search benchmark's messages and what writing them costs: made-up words drawn with a Zipf-like
// frequency (a few words are very common, most are rare, as in chat), messages built from them, and
// a meter that counts DynamoDB write units of every item the app's own writer and indexer send.
import { randomBytes } from 'node:crypto'
import type { ChatMessage } from '#shared/types/chat'
import type { Database } from '../../server/storage/database.ts'
import { itemSize, writeUnits } from '../../server/storage/write-units.ts'

/** Deterministic pseudo-random numbers, so every run writes the same messages. */
function random(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6D2B79F5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Words the tokeniser leaves out (all in its stop list): about a third of the words of English chat. */
const STOP_WORDS = ['the', 'a', 'to', 'is', 'and', 'of', 'in', 'it', 'for', 'on', 'we', 'i', 'you', 'that', 'this', 'with', 'be', 'at']
const STOP_SHARE = 0.3

/**
 * A vocabulary of made-up words of 4–9 letters; word i is drawn with a frequency ∝ 1/(i+1), and a
 * text mixes in stop words, so a 12-word message has about 8 distinct searchable terms.
 */
export class Vocabulary {
  readonly words: string[]
  readonly #cumulative: number[] = []
  readonly #rand: () => number

  constructor(size: number, seed = 42) {
    this.#rand = random(seed)
    this.words = Array.from({ length: size }, () => Array.from({ length: 4 + Math.floor(this.#rand() * 6) }, () => 'abcdefghijklmnopqrstuvwxyz'[Math.floor(this.#rand() * 26)]).join(''))
    let sum = 0
    for (let i = 0; i < size; i++) this.#cumulative.push(sum += 1 / (i + 1))
  }

  next(): number {
    return this.#rand()
  }

  word(): string {
    const x = this.#rand() * this.#cumulative.at(-1)!
    let lo = 0
    let hi = this.#cumulative.length - 1
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (this.#cumulative[mid]! < x) lo = mid + 1
      else hi = mid
    }
    return this.words[lo]!
  }

  #token(): string {
    return this.#rand() < STOP_SHARE ? STOP_WORDS[Math.floor(this.#rand() * STOP_WORDS.length)]! : this.word()
  }

  /** `count` words, or words until the text is `chars` long. */
  text(shape: { words: number } | { chars: number }): string {
    if ('words' in shape) return Array.from({ length: shape.words }, () => this.#token()).join(' ')
    let text = this.#token()
    while (text.length < shape.chars) text += ` ${this.#token()}`
    return text.slice(0, shape.chars)
  }
}

export function benchMessage(room: string, username: string, text: string, time: number): ChatMessage {
  return { id: `${String(time).padStart(13, '0')}:${randomBytes(8).toString('hex')}`, room, username, avatar: '/a.svg', time, content: { text } }
}

export interface MeterReading {
  /** Write units of message items (the Messages table). */
  messages: number
  /** Write units of everything the search index writes (the Search table: blocks, vocabulary, its durable position). */
  index: number
  indexItems: number
  indexBytes: number
  /** Of the index's units: posting blocks, vocabulary, and the durable position (heads, activity, log). */
  blocks: number
  vocabulary: number
  position: number
}

const zero = (): MeterReading => ({ messages: 0, index: 0, indexItems: 0, indexBytes: 0, blocks: 0, vocabulary: 0, position: 0 })

type SentCommand = { constructor: { name: string }, input: Record<string, unknown> }

/**
 * A database whose every write is counted in write units, by table, from the items themselves
 * (write-units.ts). Reads and the rest pass through.
 */
export function meteredDatabase(db: Database): { db: Database, read: () => MeterReading, reset: () => void } {
  let reading = zero()
  const count = (table: string, item: Record<string, unknown> | undefined) => {
    const units = item ? writeUnits(item) : 1
    if (table === db.tables.messages) reading.messages += units
    else if (table === db.tables.search) {
      reading.index += units
      reading.indexItems++
      reading.indexBytes += item ? itemSize(item) : 0
      const key = String(item?.key ?? '')
      if (/^t\d*#/.test(key)) reading.blocks += units
      else if (key.startsWith('v#')) reading.vocabulary += units
      else reading.position += units
    }
  }
  const doc = {
    send: (command: SentCommand) => {
      const input = command.input
      if (command.constructor.name === 'BatchWriteCommand') {
        for (const [table, requests] of Object.entries(input.RequestItems as Record<string, { PutRequest?: { Item: Record<string, unknown> } }[]>)) {
          for (const request of requests) count(table, request.PutRequest?.Item)
        }
      }
      // An update is billed on the larger of the item before and after: posting blocks and heads stay within one unit.
      else if (['PutCommand', 'UpdateCommand', 'DeleteCommand'].includes(command.constructor.name)) {
        count(String(input.TableName), command.constructor.name === 'PutCommand' ? input.Item as Record<string, unknown> : undefined)
      }
      return db.doc.send(command as never)
    },
  } as unknown as Database['doc']
  return {
    db: { ...db, doc },
    read: () => ({ ...reading }),
    reset: () => { reading = zero() },
  }
}
