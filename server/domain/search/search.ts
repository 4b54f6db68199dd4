import type { ChatMessage, PublicUser } from '#shared/types/chat'
import type { PendingAnswer, PendingQuery, SearchHit, SearchPage } from '#shared/types/search'
import type { SearchQuery } from '#shared/utils/search-query'
import { hasLink, messageTerms, snippetOf, termsOfWord, wordSegments } from '#shared/utils/search-terms'
import { readableRooms } from '../rooms/access.ts'
import { getServerConfig } from '../../core/config.ts'
import { UserError } from '../../core/errors.ts'
import { batchGetMessageItems, type StoredMessage } from '../../storage/messages-table.ts'
import { queryEntriesStartingWith, queryPostingBlocks, TIERS, vocabularyKey, type BlockCursor, type Tier } from '../../storage/search-table.ts'
import { announce } from '../events.ts'
import { rendered, withoutDeletedQuotes } from '../messages/messages.ts'
import { pendingMessages } from './indexing.ts'
import { authorTerm, signatureTest, type SignatureTest } from './postings.ts'

/** A prefix stands for at most this many terms (the shortest of the first VOCABULARY_READ). */
const MAX_EXPANSIONS = 5
const VOCABULARY_READ = 50
/** Reads per stream before a short page is returned with a cursor: bounds one search's requests. */
const MAX_ROUNDS = 3
/** Exact terms tried as drivers in the first round; the one that proves rarer is read on. */
const DRIVER_CANDIDATES = 2
/** Candidates checked against their stored message per search, at most (a page cut short by it gets a cursor). */
const MAX_CHECKED = 300

class SearchOffError extends UserError {
  constructor() {
    super('Search is turned off on this server', 503)
  }
}

/** One way to answer a search: the posting blocks of its driving terms, their postings tested against the rest of the query. */
interface Plan {
  streams: Stream[]
  test: SignatureTest
}

/** One tier of one term's posting blocks, read newest first. */
interface Stream {
  term: string
  tier: Tier
  start: BlockCursor
  /** The newest id of the last block read: every posting at or after it has been read. */
  reached: string | null
  done: boolean
}

function tagsOf(query: SearchQuery): string[] {
  return [...(query.from ? [authorTerm(query.from)] : []), ...query.has.map(h => `has:${h}`)]
}

const streamsOf = (term: string): Stream[] => TIERS.map(tier => ({ term, tier, start: undefined, reached: null, done: false }))

/**
 * The ways to answer a query: each of the likeliest-rare exact terms (longer words first, then
 * from:, then has:) driving, with the other terms, filters and the typed prefix tested on each
 * posting's signature; with no exact term, the prefix's expansions through the vocabulary.
 */
async function plans(query: SearchQuery): Promise<Plan[]> {
  const exact = [...[...query.terms].sort((a, b) => b.length - a.length), ...tagsOf(query)]
  if (exact.length) {
    return exact.slice(0, DRIVER_CANDIDATES).map(driver => ({
      streams: streamsOf(driver),
      test: signatureTest([...query.terms, ...tagsOf(query)].filter(t => t !== driver), query.prefix),
    }))
  }
  const terms = await queryEntriesStartingWith(vocabularyKey(query.prefix!), query.prefix!, VOCABULARY_READ)
  const expansions = terms.sort((a, b) => a.length - b.length || (a < b ? -1 : 1)).slice(0, MAX_EXPANSIONS)
  return [{ streams: expansions.flatMap(streamsOf), test: () => true }]
}

const msKey = (ms: number) => String(ms).padStart(13, '0')

/** Every posting at or after this has been read by the plan's streams ('' once all are read to the end). */
function floorOf(plan: Plan): string {
  return plan.streams.filter(s => !s.done).map(s => s.reached ?? '\uffff').sort().at(-1) ?? ''
}

/** The messages this and every other instance stored and have not yet written to the index that match. */
async function pendingEverywhere(query: PendingQuery): Promise<PendingAnswer[]> {
  const answers = [pendingMessages(query)]
  await announce('chat:search-pending', { query, answers })
  return answers
}

/** Whether the stored message (now) is a hit: the index only finds candidates; the message decides. */
function matches(message: StoredMessage, query: SearchQuery): boolean {
  if (message.deleted) return false
  if (query.in && message.room !== query.in) return false
  if (query.from && message.username !== query.from) return false
  const text = message.content.text
  if (query.has.includes('file') && !message.attachments?.length) return false
  if (query.has.includes('link') && !hasLink(text)) return false
  if (!query.terms.length && !query.prefix) return true
  const terms = new Set(messageTerms(text))
  if (!query.terms.every(term => terms.has(term))) return false
  return !query.prefix || [...terms].some(term => term.startsWith(query.prefix!))
}

/** The words of the message that the query matched, folded, for highlighting. */
function highlightsOf(message: ChatMessage, query: SearchQuery): string[] {
  const found = new Set<string>()
  for (const { word } of wordSegments(message.content.text)) {
    for (const term of termsOfWord(word)) {
      if (query.terms.includes(term) || (query.prefix && term.startsWith(query.prefix))) found.add(term)
    }
  }
  return [...found]
}

/**
 * One page of the messages `user` may read that match `query`, newest first. Takes as candidates
 * the matching messages every instance stored and has not yet written to the index, then reads the
 * driving terms' posting blocks newest first; a posting whose signature passes the rest of the query,
 * in a room the user may read (access.ts), is a candidate once every stream has read past it (so
 * the merge is in order); candidates are then checked against their stored messages, so an
 * edited-away word, a deleted message or a signature's false yes is never a hit. At most
 * MAX_ROUNDS reads per stream and MAX_CHECKED messages, however many rooms exist; a page cut short
 * by that bound still returns a cursor to go on from.
 */
export async function searchMessages(user: PublicUser, query: SearchQuery, page: { limit: number, before?: string }): Promise<SearchPage> {
  if (!getServerConfig().searchIndex) throw new SearchOffError()
  if (query.in && !(await readableRooms(user, [query.in])).length) return { messages: [], next: null }
  const uppers = [page.before, query.before !== undefined ? msKey(query.before) : undefined].filter((v): v is string => v !== undefined)
  const before = uppers.sort()[0]
  const from = query.after !== undefined ? msKey(query.after) : undefined

  // What waits to be indexed is asked for before the blocks are read: a message leaves the
  // waiting list only once its blocks are stored, so it is in one of the two.
  const pending = await pendingEverywhere({ required: [...query.terms, ...tagsOf(query)], prefix: query.prefix, room: query.in, before, from })
  // An instance holding more matches than it answers with is, like a stream, read only down to its floor.
  const pendingFloor = pending.map(answer => answer.floor).sort().at(-1) ?? ''
  let candidates = await plans(query)
  const pool = new Map<string, string>(pending.flatMap(answer => answer.hits.map(hit => [hit.id, hit.room]))) // id → room: postings that passed the query's tests
  const readable = new Map<string, boolean>()
  const checked = new Set<string>()
  const hits: StoredMessage[] = []
  // Blocks hold up to about 20 postings, a single one at quiet times: the first round reads a page's worth of blocks.
  let perStream = Math.max(8, page.limit + 2)
  let examined = '' // every candidate at or after this has been checked
  let complete = false

  for (let round = 0; round < MAX_ROUNDS && !complete; round++) {
    await Promise.all(candidates.flatMap(plan => plan.streams.filter(s => !s.done).map(async (s) => {
      const result = await queryPostingBlocks(s.term, s.tier, { before, from, limit: perStream, start: s.start })
      for (const block of result.blocks) {
        for (const posting of block.postings) {
          if ((before && posting.id >= before) || (from && posting.id < from)) continue
          if (query.in && posting.room !== query.in) continue
          if (!pool.has(posting.id) && plan.test(posting.signature)) pool.set(posting.id, posting.room)
        }
        s.reached = block.newest
      }
      s.start = result.next
      s.done = !result.next
    })))
    // The candidate that got furthest back in time with the same reads is the rarer term: read on with it alone.
    if (candidates.length > 1) candidates = [candidates.reduce((a, b) => floorOf(b) < floorOf(a) ? b : a)]
    const floor = [floorOf(candidates[0]!), pendingFloor].sort().at(-1)!
    const unknown = [...new Set([...pool.values()].filter(room => !readable.has(room)))]
    const allowed = new Set((await readableRooms(user, unknown)).map(r => r.id))
    for (const room of unknown) readable.set(room, allowed.has(room))

    // Newest first, check the candidates every stream has read past, until the page is full (and one more shows there are more).
    const waiting = [...pool.entries()].filter(([id, room]) => id >= floor && !checked.has(id) && readable.get(room)).map(([id]) => id).sort().reverse()
    while (waiting.length && hits.length <= page.limit && checked.size < MAX_CHECKED) {
      const batch = waiting.splice(0, Math.min(100, MAX_CHECKED - checked.size, Math.max(10, 2 * (page.limit + 1 - hits.length))))
      const stored = new Map((await batchGetMessageItems(batch.map(id => ({ room: pool.get(id)!, id })))).map(m => [m.id, m]))
      for (const id of batch) {
        checked.add(id)
        const message = stored.get(id)
        if (message && matches(message, query)) hits.push(message)
      }
      examined = batch.at(-1)!
    }
    if (hits.length > page.limit) break
    if (!waiting.length && floor !== '\uffff') examined = floor
    complete = !floor && !waiting.length
    perStream *= 2
  }

  hits.sort((a, b) => (a.id < b.id ? 1 : -1))
  const taken = hits.slice(0, page.limit)
  const next = hits.length > page.limit ? taken.at(-1)!.id : complete ? null : taken.length === page.limit ? taken.at(-1)!.id : examined || null
  const messages = await withoutDeletedQuotes(taken.map(rendered))
  return {
    messages: messages.map((m): SearchHit => {
      const highlights = highlightsOf(m, query)
      return { ...m, highlights, snippet: snippetOf(m.content.text, highlights) }
    }),
    next,
  }
}
