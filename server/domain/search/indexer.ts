import { randomBytes } from 'node:crypto'
import { setImmediate as yieldTurn } from 'node:timers/promises'
import { LRUCache } from 'lru-cache'
import type { ChatMessage } from '#shared/types/chat'
import type { PendingAnswer, PendingHit, PendingQuery } from '#shared/types/search'
import type { WriteRequest } from '../../storage/batch-write.ts'
import { getDatabase, type Database } from '../../storage/database.ts'
import { batchGetMessageItems, queryMessageItems, type MessageKey } from '../../storage/messages-table.ts'
import { postingBlockItems, removePosting, vocabularyItem, writeIndexItems, type Posting } from '../../storage/search-table.ts'
import { activeRooms, activityBucket, activityItem, beatClaim, beatHead, claimHead, deleteHead, headItem, listHeads, logItem, putLogItem, readLog, type IndexerHead } from '../../storage/search-log.ts'
import { log } from '../../core/logger.ts'
import { metrics } from '../../core/metrics.ts'
import { indexedTerms, signatureOf } from './postings.ts'

/**
 * The search indexer: messages are acknowledged once stored, and indexed afterwards, many at a
 * time. Every `flushMs` (minutes by default), or at once when it holds MAX_OPS operations, it
 * writes, for everything stored since, one posting block per term (search-table.ts): a common word
 * costs one write for all the messages of a flush that use it, and the longer a flush gathers, the
 * fewer blocks a message costs. Meanwhile searches read what it holds (`pending`), so waiting
 * costs no freshness.
 *
 * It cannot lose work. Each process indexes under a log id of its own, with a durable position
 * (search-log.ts) that another process uses to finish its work if it dies:
 * - a message is indexed from memory once its batch is stored; the first message of a room in
 *   every 10 minutes carries an **activity** item in its own batch (so the rooms a process wrote
 *   in are known), and the process's **head** says that every message it stored and has not
 *   indexed has an id at or after `position`. Ids are taken before the write, so a message is
 *   stored a little after its id's time: `position` stays `lateMs` behind the clock, and a
 *   message stored more than `lateMs` after its id's time (a retried send under its first
 *   attempt's id) gets a **log** entry in its batch instead.
 * - an edit writes a log entry before it changes the message.
 * - a process whose head has not beaten for `takeoverMs` is recovered by another: the log's
 *   entries after `done`, and every message of its active rooms from `position` on, are indexed
 *   again as they are stored now (a deleted message is skipped). Indexing twice only repeats
 *   postings, which a search reads once.
 *
 * Order per message: postings are only added, and a search checks every hit against the stored
 * message (search.ts), so no order of index writes can show a deleted or edited-away word. An
 * edit and a deletion also take the old postings out (now, and again after `takeoverMs`, in case
 * another process was still indexing the original); that is tidiness, not correctness.
 */

export interface IndexerOptions {
  /** How long a stored message may wait to be indexed with others. */
  flushMs: number
  /** A process whose head is older is presumed dead and recovered; heartbeats and sweeps run well inside it. */
  takeoverMs: number
  now?: () => number
}

interface IndexOp {
  kind: 'index'
  key: MessageKey
  /** Absent: read the message as it is stored now (recovery, a failed batch). */
  message?: ChatMessage
  storedAt: number
  seq?: number
  indexed?: () => void
}

/** A message's terms, and all of them as a set for the tests of searches. */
type IndexedTerms = ReturnType<typeof indexedTerms> & { all: Set<string> }
type IndexableMessage = Pick<ChatMessage, 'id' | 'room' | 'username' | 'content' | 'attachments' | 'deleted'>

interface RemoveOp {
  kind: 'remove'
  message: ChatMessage
  /** A deletion: nothing of the message is indexed after it. */
  deleted: boolean
}

type Op = IndexOp | RemoveOp

/** Operations per flush: bounds one flush's writes and reads, and what a busy server holds. */
export const MAX_OPS = 2000
/** Candidates one search takes from the messages waiting to be indexed (as many as it checks at most). */
const MAX_PENDING_HITS = 300
/** Past this many waiting operations (the database is slow or down), new ones keep only the message's key, not its body. */
const MAX_HELD = 50_000
/** Concurrent BatchWriteItem calls of one flush: the index never crowds out the writes senders wait for. */
const WRITE_CONCURRENCY = 2
/** Messages (or terms) a flush works through between turns of the event loop. */
const YIELD_EVERY = 100
/** Long numbers (ids, timestamps) are nearly all distinct: listing each would cost a write per message. */
const UNLISTED = /^\d{5,}$/

const messageKey = (room: string, id: string) => `${room}\n${id}`

/**
 * What each message is at the end of `ops`: its last version held (or `readBack` for one queued by
 * its key only), or null once deleted. A message with no version to be had is left out.
 */
function newestVersions(ops: Op[], readBack: (key: string) => IndexableMessage | undefined = () => undefined): Map<string, IndexableMessage | null> {
  const latest = new Map<string, IndexableMessage | null>()
  for (const op of ops) {
    if (op.kind === 'remove') {
      if (op.deleted) latest.set(messageKey(op.message.room, op.message.id), null)
      continue
    }
    const key = messageKey(op.key.room, op.key.id)
    const version = op.message ?? readBack(key)
    if (version && latest.get(key) !== null) latest.set(key, version)
  }
  return latest
}
const timeOf = (id: string) => Number(id.slice(0, 13))
const msKey = (ms: number) => String(Math.max(0, ms)).padStart(13, '0')

export class SearchIndexer {
  /** This process's log id: a head, activity and log entries of its own. */
  readonly log = randomBytes(5).toString('hex')
  readonly #flushMs: number
  readonly #takeoverMs: number
  readonly #now: () => number
  #queue: Op[] = []
  /** The operations of the flush being written: still searchable from memory until it is stored. */
  #writing: Op[] = []
  /** Stored or being stored, not yet indexed, covered by `position` (not by a log entry). */
  readonly #unindexed = new Map<string, string>()
  /** Log entries written or being written, not yet indexed. */
  readonly #openSeqs = new Set<number>()
  #seq = 0
  #registered = false
  /** The rooms whose activity item for the current bucket is stored (older buckets are forgotten). */
  #activity = { bucket: 0, rooms: new Set<string>() }
  #timer: ReturnType<typeof setTimeout> | undefined
  #flushing: Promise<void> | undefined
  #failures = 0
  #flushes = 0
  #beats: ReturnType<typeof setInterval> | undefined
  #sweeps: ReturnType<typeof setInterval> | undefined
  #sweeping: Promise<void> | undefined
  /** The log entry of each late message, and what each batch's companions were, until it settles. */
  readonly #lateSeq = new WeakMap<ChatMessage, number>()
  readonly #batches = new WeakMap<ChatMessage[], { bucket: number, rooms: string[], head: boolean }>()
  /** Each waiting message's terms, worked out once, soon after it is stored (or by its flush). */
  readonly #terms = new WeakMap<object, IndexedTerms>()
  /** Held messages whose terms are still to be worked out, in slices, so that no search has many to do itself. */
  #untokenized: IndexableMessage[] = []
  #tokenizing = false
  // Terms this process has listed in the vocabulary; forgetting one only repeats an idempotent write.
  readonly #vocabulary = new LRUCache<string, true>({ max: 100_000 })

  constructor(options: IndexerOptions) {
    this.#flushMs = options.flushMs
    this.#takeoverMs = options.takeoverMs
    this.#now = options.now ?? Date.now
  }

  /** Stored messages older than this (by their id) get a log entry: position cannot cover them. */
  get #lateMs(): number {
    return this.#takeoverMs
  }

  /** Every message stored without a log entry and not yet indexed has an id at or after this. */
  #position(now: number): string {
    let position = msKey(now - this.#lateMs)
    for (const id of this.#unindexed.values()) if (id < position) position = id
    return position
  }

  get #done(): number {
    return this.#openSeqs.size ? Math.min(...this.#openSeqs) - 1 : this.#seq
  }

  // ---- the message writer's hooks --------------------------------------------------------------

  /** Items stored with a batch of messages: activity for rooms new in this bucket, a log entry for late ones, the head at first. */
  companions(messages: ChatMessage[], tables: Database['tables']): WriteRequest[] {
    const now = this.#now()
    const items: WriteRequest[] = []
    const late = messages.filter(m => timeOf(m.id) < now - this.#lateMs)
    const bucket = activityBucket(now)
    const rooms = new Set<string>()
    for (const message of messages) {
      if (late.includes(message)) continue
      this.#unindexed.set(messageKey(message.room, message.id), message.id)
      if (this.#activity.bucket !== bucket || !this.#activity.rooms.has(message.room)) rooms.add(message.room)
    }
    for (const room of rooms) items.push(activityItem(tables.search, this.log, bucket, room, now))
    if (late.length) {
      const seq = ++this.#seq
      this.#openSeqs.add(seq)
      for (const message of late) this.#lateSeq.set(message, seq)
      items.push(logItem(tables.search, this.log, seq, late.map(m => ({ room: m.room, id: m.id })), now))
    }
    if (!this.#registered) items.push(headItem(tables.search, { log: this.log, beat: now, position: this.#position(now), done: this.#done }))
    this.#batches.set(messages, { bucket, rooms: [...rooms], head: !this.#registered })
    return items
  }

  /** A batch is stored (or failed, and its messages may be stored or not): queue it for indexing. */
  settled(messages: ChatMessage[], error: Error | null): void {
    const activity = this.#batches.get(messages)
    if (!error && activity) {
      if (activity.bucket > this.#activity.bucket) this.#activity = { bucket: activity.bucket, rooms: new Set() }
      if (activity.bucket === this.#activity.bucket) for (const room of activity.rooms) this.#activity.rooms.add(room)
      if (activity.head) this.#registered = true
      this.#startBeating()
    }
    const storedAt = this.#now()
    // A failed batch's messages are read back as stored; so are all while the queue is long, so memory stays bounded.
    const held = !error && this.#queue.length < MAX_HELD
    for (const message of messages) {
      const seq = this.#lateSeq.get(message)
      this.#queue.push({ kind: 'index', key: { room: message.room, id: message.id }, ...(held ? { message } : {}), storedAt, ...(seq ? { seq } : {}) })
    }
    if (held) this.#tokenizeSoon(messages)
    this.#schedule()
  }

  // ---- edits and deletions ---------------------------------------------------------------------

  /** Before an edit is written: its durable record (so a crash after the edit still indexes it). */
  async beforeEdit(room: string, id: string): Promise<number> {
    const seq = ++this.#seq
    this.#openSeqs.add(seq)
    try {
      const now = this.#now()
      if (!this.#registered) {
        await beatHead({ log: this.log, beat: now, position: this.#position(now), done: this.#done })
        this.#registered = true
        this.#startBeating()
      }
      await putLogItem(this.log, seq, [{ room, id }], now)
    }
    catch (error) {
      this.#openSeqs.delete(seq)
      throw error
    }
    return seq
  }

  /** After the edit: its old postings go, the new text is indexed. `after` null: it was refused. */
  edited(seq: number, before: ChatMessage | null, after: ChatMessage | null): void {
    if (!before || !after) {
      this.#complete(seq)
      return
    }
    this.#queue.push({ kind: 'remove', message: before, deleted: false })
    this.#queue.push({ kind: 'index', key: { room: after.room, id: after.id }, message: after, storedAt: this.#now(), seq })
    this.#settleLater(before, false)
    this.#schedule()
  }

  /** After a deletion: the message's postings go. */
  deleted(before: ChatMessage): void {
    this.#queue.push({ kind: 'remove', message: before, deleted: true })
    this.#settleLater(before, true)
    this.#schedule()
  }

  /**
   * Removes again once another process still holding the original (for at most its flush delay,
   * or until it is taken over, when its recovery reads the message as stored) has indexed it.
   */
  #settleLater(before: ChatMessage, deleted: boolean): void {
    setTimeout(() => {
      this.#queue.push({ kind: 'remove', message: before, deleted })
      this.#schedule()
    }, this.#takeoverMs + 2 * this.#flushMs).unref()
  }

  #complete(seq: number): void {
    this.#openSeqs.delete(seq)
  }

  // ---- flushing --------------------------------------------------------------------------------

  #schedule(): void {
    // A full queue is written at once, even while a long delay's timer waits.
    if (this.#timer && !this.#failures && this.#queue.length >= MAX_OPS) {
      clearTimeout(this.#timer)
      this.#timer = undefined
    }
    if (this.#timer || this.#flushing || !this.#queue.length) return
    const delay = this.#failures
      ? Math.min(30_000, this.#flushMs * 2 ** this.#failures)
      : this.#queue.length >= MAX_OPS ? 0 : this.#flushMs
    this.#timer = setTimeout(() => {
      this.#timer = undefined
      this.#flushing = this.#flush().finally(() => {
        this.#flushing = undefined
        this.#schedule()
      })
    }, delay)
    this.#timer.unref()
  }

  /** Indexes everything queued now (tests, shutdown) and resolves once the queue is empty. */
  async flush(): Promise<void> {
    while (this.#queue.length || this.#flushing) {
      if (this.#timer) {
        clearTimeout(this.#timer)
        this.#timer = undefined
      }
      if (!this.#flushing) {
        this.#flushing = this.#flush().finally(() => {
          this.#flushing = undefined
        })
      }
      await this.#flushing
      if (this.#failures) throw new Error('The search index could not be written')
    }
  }

  async #flush(): Promise<void> {
    const ops = this.#queue.splice(0, MAX_OPS)
    this.#writing = ops
    try {
      await this.#write(ops)
      this.#failures = 0
    }
    catch (error) {
      this.#failures++
      this.#queue.unshift(...ops)
      log.error('search.index_failed', { error, operations: ops.length, failures: this.#failures })
    }
    finally {
      this.#writing = []
    }
  }

  async #write(ops: Op[]): Promise<void> {
    const { tables } = await getDatabase()
    // Messages queued without their body (recovery, a batch that failed) are read as stored now.
    const missing = ops.filter((op): op is IndexOp => op.kind === 'index' && !op.message).map(op => op.key)
    const stored = new Map((await batchGetMessageItems(missing)).map(m => [messageKey(m.room, m.id), m]))
    const latest = newestVersions(ops, key => stored.get(key))
    await this.#remove(ops.flatMap(op => (op.kind === 'remove' ? [op.message] : [])))

    const byTerm = new Map<string, Posting[]>()
    const words = new Set<string>()
    let done = 0
    for (const message of latest.values()) {
      if (!message || message.deleted) continue
      // A full flush's terms are tens of milliseconds of work: in slices, so sends are not held up behind it.
      if (++done % YIELD_EVERY === 0) await yieldTurn()
      const terms = this.#termsOf(message)
      const posting = { id: message.id, room: message.room, signature: signatureOf(terms) }
      for (const term of [...terms.words, ...terms.pseudo]) {
        const list = byTerm.get(term)
        if (list) list.push(posting)
        else byTerm.set(term, [posting])
      }
      for (const word of terms.words) words.add(word)
    }
    const tag = `${this.log}${(++this.#flushes).toString(36)}`
    const requests: WriteRequest[] = []
    for (const [term, postings] of byTerm) {
      if (++done % YIELD_EVERY === 0) await yieldTurn()
      postings.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      for (const block of postingBlockItems(term, postings, tag)) requests.push({ table: tables.search, put: block })
    }
    const listed = [...words].filter(word => !this.#vocabulary.has(word) && !UNLISTED.test(word))
    for (const word of listed) requests.push(vocabularyItem(word, tables.search))
    await writeIndexItems(requests, WRITE_CONCURRENCY)

    for (const word of listed) this.#vocabulary.set(word, true)
    const findable = this.#now()
    for (const op of ops) {
      if (op.kind !== 'index') continue
      const key = messageKey(op.key.room, op.key.id)
      if (this.#unindexed.get(key) === op.key.id) this.#unindexed.delete(key)
      if (op.seq) this.#complete(op.seq)
      // Ack (stored) to findable; recovered messages' store times are not known.
      if (!op.indexed && latest.get(key)) metrics.timing('SearchIndexLag', findable - op.storedAt)
      op.indexed?.()
    }
  }

  #termsOf(message: IndexableMessage): IndexedTerms {
    let terms = this.#terms.get(message)
    if (!terms) {
      const found = indexedTerms(message)
      terms = { ...found, all: new Set([...found.words, ...found.pseudo]) }
      this.#terms.set(message, terms)
    }
    return terms
  }

  /**
   * Works out held messages' terms soon after they are stored, YIELD_EVERY between turns: the flush
   * needs them anyway, and a search while the database is slow (tens of thousands held) would
   * otherwise do them all in one turn.
   */
  #tokenizeSoon(messages: IndexableMessage[]): void {
    this.#untokenized.push(...messages)
    if (this.#tokenizing) return
    this.#tokenizing = true
    void (async () => {
      while (this.#untokenized.length) {
        await yieldTurn()
        for (const message of this.#untokenized.splice(0, YIELD_EVERY)) this.#termsOf(message)
      }
      this.#tokenizing = false
    })()
  }

  // ---- searching what waits ------------------------------------------------------------------

  /**
   * The messages stored here and not yet in the index (waiting for a flush, or in the one being
   * written) that match `query`, newest first: search reads them besides the index's blocks, so a
   * message is findable as soon as it is acknowledged, however long it waits to be indexed. Each is
   * still checked against its stored message by the search, like a posting. The newest version
   * held of each message is tested; one held by its key only (read back at its flush) is not.
   * At most MAX_PENDING_HITS, the newest: `floor` says how far back they are complete.
   */
  pending(query: PendingQuery): PendingAnswer {
    const hits: PendingHit[] = []
    for (const message of newestVersions([...this.#writing, ...this.#queue]).values()) {
      if (!message || message.deleted) continue
      if ((query.room && message.room !== query.room) || (query.before && message.id >= query.before) || (query.from && message.id < query.from)) continue
      const { words, all } = this.#termsOf(message)
      if (!query.required.every(term => all.has(term))) continue
      if (query.prefix && !words.some(word => word.startsWith(query.prefix!))) continue
      hits.push({ room: message.room, id: message.id })
    }
    hits.sort((a, b) => (a.id < b.id ? 1 : -1))
    return hits.length > MAX_PENDING_HITS
      ? { hits: hits.slice(0, MAX_PENDING_HITS), floor: hits[MAX_PENDING_HITS - 1]!.id }
      : { hits, floor: '' }
  }

  /** Takes the postings of these messages' terms out (a few small reads and updates each; edits and deletions are rare). */
  async #remove(messages: ChatMessage[]): Promise<void> {
    const work = messages.flatMap((message) => {
      const { words, pseudo } = indexedTerms(message)
      return [...words, ...pseudo].map(term => () => removePosting(term, message.id))
    })
    for (let i = 0; i < work.length; i += 4) await Promise.all(work.slice(i, i + 4).map(run => run()))
  }

  // ---- heartbeat and recovery ------------------------------------------------------------------

  #startBeating(): void {
    if (this.#beats || !this.#registered) return
    this.#beats = setInterval(() => {
      void this.#beat().catch((error: unknown) => log.warn('search.heartbeat_failed', { error }))
    }, Math.max(100, Math.floor(this.#takeoverMs / 6)))
    this.#beats.unref()
  }

  async #beat(): Promise<void> {
    const now = this.#now()
    await beatHead({ log: this.log, beat: now, position: this.#position(now), done: this.#done })
  }

  /** Starts looking for dead processes' heads to recover, every half takeover period. */
  startRecovery(): void {
    if (this.#sweeps) return
    this.#sweeps = setInterval(() => {
      this.#sweeping ??= this.recoverStale()
        .catch((error: unknown) => log.warn('search.recovery_failed', { error }))
        .finally(() => { this.#sweeping = undefined })
    }, Math.max(100, Math.floor(this.#takeoverMs / 2)))
    this.#sweeps.unref()
  }

  /** Recovers every head whose process stopped beating; resolves once their messages are indexed. */
  async recoverStale(): Promise<void> {
    for (const head of await listHeads()) {
      const now = this.#now()
      if (head.log === this.log || now - head.beat < this.#takeoverMs) continue
      if (!await claimHead(head, this.log, now)) continue
      log.info('search.recovering', { log: head.log, position: head.position, done: head.done })
      await this.#recover(head)
    }
  }

  async #recover(head: IndexerHead): Promise<void> {
    const keep = setInterval(() => {
      void beatClaim(head.log, this.log, this.#now()).catch(() => {})
    }, Math.max(100, Math.floor(this.#takeoverMs / 6)))
    keep.unref()
    try {
      const indexed: Promise<void>[] = []
      for (let done = head.done; ;) {
        const entries = await readLog(head.log, done, 100)
        if (!entries.length) break
        for (const entry of entries) indexed.push(this.#enqueue(entry.refs.map(key => ({ key }))))
        done = entries.at(-1)!.seq
      }
      const rooms = new Set<string>()
      const first = activityBucket(timeOf(head.position) - this.#lateMs)
      for (let bucket = first; bucket <= activityBucket(this.#now()); bucket++) {
        for (const room of await activeRooms(head.log, bucket)) rooms.add(room)
      }
      // Inclusive of position's own millisecond: `after` is exclusive.
      const from = msKey(timeOf(head.position) - 1)
      for (const room of rooms) {
        for (let after: string | null = from; after;) {
          const page = await queryMessageItems(room, { after, limit: 100, replies: 'include' })
          indexed.push(this.#enqueue(page.messages.map(message => ({ key: { room, id: message.id }, message }))))
          after = page.next
          // A busy room's history is indexed as it is read, not held all at once.
          if (this.#queue.length >= MAX_OPS) await indexed.at(-1)
        }
      }
      // Written now, not after this server's own delay: a dead server's messages are findable
      // nowhere else, and a server stopping waits for its recovery.
      await this.flush()
      await Promise.all(indexed)
      await deleteHead(head.log, this.log)
      log.info('search.recovered', { log: head.log, rooms: rooms.size })
    }
    finally {
      clearInterval(keep)
    }
  }

  /** Indexes stored messages as they are (the re-index script); resolves once they are findable. */
  async reindex(messages: ChatMessage[]): Promise<void> {
    const indexed = this.#enqueue(messages.map(message => ({ key: { room: message.room, id: message.id }, message })))
    await this.flush()
    await indexed
  }

  /** Queues messages for indexing; resolves once they are. */
  #enqueue(items: { key: MessageKey, message?: ChatMessage }[]): Promise<void> {
    if (!items.length) return Promise.resolve()
    const storedAt = this.#now()
    const all = items.map(item => new Promise<void>((resolve) => {
      this.#queue.push({ kind: 'index', key: item.key, ...(item.message ? { message: item.message } : {}), storedAt, indexed: resolve })
    }))
    this.#schedule()
    return Promise.all(all).then(() => {})
  }

  /**
   * On a clean stop: indexes what is queued, then removes the head (nothing is left to recover).
   * If that fails, another process recovers this one's work once the head is stale.
   */
  async stop(): Promise<void> {
    clearInterval(this.#sweeps)
    this.#sweeps = undefined
    await this.#sweeping
    await this.flush()
    clearInterval(this.#beats)
    this.#beats = undefined
    if (this.#registered && !this.#unindexed.size && !this.#openSeqs.size) {
      await deleteHead(this.log)
      this.#registered = false
    }
  }
}
