import type { ChatMessage, PublicUser } from '#shared/types/chat'
import type { SearchHit, SearchPage } from '#shared/types/search'
import type { SearchQuery } from '#shared/utils/search-query'
import { snippetOf, termsOfWord, wordSegments } from '#shared/utils/search-terms'
import { readableRooms } from '../rooms/access.ts'
import { getServerConfig } from '../../core/config.ts'
import { entryAt, queryEntries, queryEntriesStartingWith, type EntryCursor, type EntryFilter, type EntryRange } from '../../storage/search-table.ts'
import { UserError } from '../../core/errors.ts'
import { getMessagesByKeys } from '../messages/messages.ts'
import { authorTerm, parseEntry, SHARDS, termKey, vocabularyKey } from './indexing.ts'

/** A prefix stands for at most this many terms (the shortest of the first VOCABULARY_READ). */
const MAX_EXPANSIONS = 5
const VOCABULARY_READ = 50
/** Reads per stream before a short page is returned with a cursor: bounds one search's requests. */
const MAX_ROUNDS = 3

class SearchOffError extends UserError {
  constructor() {
    super('Search is turned off on this server', 503)
  }
}

/** One way to answer a search: the term entries of its drivers, checked against the rest of the query. */
interface Plan {
  drivers: string[]
  filter: EntryFilter
}

/** Exact terms tried as drivers in the first round; the one that proves rarer is read on. */
const DRIVER_CANDIDATES = 2

function filterFor(query: SearchQuery, driver: string | null): EntryFilter {
  return {
    words: query.terms.filter(t => t !== driver),
    prefix: query.prefix,
    tags: tagsOf(query).filter(t => t !== driver),
    room: query.in ?? null,
  }
}

function tagsOf(query: SearchQuery): string[] {
  return [...(query.from ? [authorTerm(query.from)] : []), ...query.has.map(h => `has:${h}`)]
}

/**
 * The ways to answer a query: each of the likeliest-rare exact terms (longer words first, then
 * from:, then has:) as the driver with everything else as a filter; with no exact term, the
 * prefix's expansions through the vocabulary.
 */
async function plans(query: SearchQuery, expand: (prefix: string) => Promise<string[]>): Promise<Plan[]> {
  const exact = [...[...query.terms].sort((a, b) => b.length - a.length), ...tagsOf(query)]
  if (exact.length) return exact.slice(0, DRIVER_CANDIDATES).map(driver => ({ drivers: [driver], filter: filterFor(query, driver) }))
  return [{ drivers: await expand(query.prefix!), filter: filterFor({ ...query, prefix: null }, null) }]
}

const msKey = (ms: number) => String(ms).padStart(13, '0')

/** The entry range: after ≤ time, and before both the date bound and the paging cursor (exclusive). */
function range(query: SearchQuery, cursor: string | undefined): EntryRange {
  const uppers = [cursor, query.before !== undefined ? msKey(query.before) : undefined].filter((v): v is string => v !== undefined)
  const upper = uppers.sort()[0]
  const lower = query.after !== undefined ? msKey(query.after) : undefined
  return { ...(upper ? { upper } : {}), ...(lower ? { lower } : {}) }
}

interface Stream {
  key: string
  start: EntryCursor
  done: boolean
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
 * One page of the messages `user` may read that match `query`, newest first. Reads the driver
 * terms' shards in parallel, newest first, and keeps a hit only once every stream has read past
 * it (so the merge is in order); unreadable rooms are dropped through access.ts. At most
 * 1 + MAX_ROUNDS × MAX_EXPANSIONS × SHARDS queries (60) and one BatchGetItem, however many
 * rooms exist; a page cut short by that bound still returns a cursor to go on from.
 */
export async function searchMessages(user: PublicUser, query: SearchQuery, page: { limit: number, before?: string }): Promise<SearchPage> {
  if (!getServerConfig().searchIndex) throw new SearchOffError()
  if (query.in && !(await readableRooms(user, [query.in])).length) return { messages: [], next: null }
  const candidates = (await plans(query, async (prefix) => {
    const terms = await queryEntriesStartingWith(vocabularyKey(prefix), prefix, VOCABULARY_READ)
    return terms.sort((a, b) => a.length - b.length || (a < b ? -1 : 1)).slice(0, MAX_EXPANSIONS)
  })).map(({ drivers, filter }) => ({ filter, streams: drivers.flatMap(term => Array.from({ length: SHARDS }, (_, shard): Stream => ({ key: termKey(term, shard), start: undefined, done: false }))) }))
  const entryRange = range(query, page.before)
  // Each round reads twice as far: pages full of unreadable or filtered-out entries cost few rounds.
  let perStream = Math.max(10, Math.ceil(page.limit * 2 / SHARDS) + 2)
  const pool = new Map<string, string>() // entry → room; every entry read matches the whole query
  const readable = new Map<string, boolean>()
  let active = candidates
  let floor = ''
  /** Entries above the highest position of a stream still going are complete ('' when all are done). */
  const floorOf = (streams: Stream[]) => streams.filter(s => !s.done).map(s => entryAt(s.start!)).sort().at(-1) ?? ''

  for (let round = 0; round < MAX_ROUNDS && active[0]?.streams.some(s => !s.done); round++) {
    await Promise.all(active.flatMap(({ filter, streams }) => streams.filter(s => !s.done).map(async (stream) => {
      const result = await queryEntries(stream.key, { range: entryRange, filter, limit: perStream, start: stream.start })
      for (const entry of result.entries) pool.set(entry, parseEntry(entry).room)
      stream.start = result.next
      stream.done = !result.next
    })))
    // The candidate that got furthest back in time with the same reads is the rarer term: read on with it alone.
    if (active.length > 1) active = [active.reduce((a, b) => floorOf(b.streams) < floorOf(a.streams) ? b : a)]
    floor = floorOf(active[0]!.streams)
    const unknown = [...new Set([...pool.values()].filter(room => !readable.has(room)))]
    const allowed = new Set((await readableRooms(user, unknown)).map(r => r.id))
    for (const room of unknown) readable.set(room, allowed.has(room))
    const safe = [...pool.entries()].filter(([entry, room]) => entry >= floor && readable.get(room))
    if (safe.length >= page.limit) break
    perStream *= 2
  }

  const hits = [...pool.entries()].filter(([entry, room]) => entry >= floor && readable.get(room)).map(([entry]) => entry).sort().reverse()
  const taken = hits.slice(0, page.limit)
  const more = hits.length > page.limit || active[0]!.streams.some(s => !s.done)
  const next = taken.length === page.limit && more ? parseEntry(taken.at(-1)!).id : more ? parseEntry(floor).id : null
  const messages = await getMessagesByKeys(taken.map(parseEntry))
  return {
    messages: messages
      .filter(m => !m.deleted)
      .map((m): SearchHit => {
        const highlights = highlightsOf(m, query)
        return { ...m, highlights, snippet: snippetOf(m.content.text, highlights) }
      }),
    next,
  }
}
