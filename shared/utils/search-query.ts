import { ROOM_ID_PATTERN } from '../schemas/limits.ts'
import { isCjk, isStopWord, termsOfWord, wordSegments } from './search-terms.ts'

/** At most this many words per query: bounds the filters checked on each entry. */
const MAX_QUERY_WORDS = 8

/** A search as typed (`deploy fargate from:@alice in:#ecs has:file before:2026-11-01`), parsed. */
export interface SearchQuery {
  /** Folded terms every hit must contain. */
  terms: string[]
  /** The last word, still being typed: hits contain a term starting with it. */
  prefix: string | null
  from?: string
  in?: string
  /** Epoch ms bounds on the message time: after ≤ time < before. */
  after?: number
  before?: number
  has: ('file' | 'link')[]
}

const FILTER = /^(from|in|before|after|has):(.*)$/i
/** Filters of other chat apps people try here; any other word with a colon (10:30, a link) is a word. */
const FOREIGN_FILTER = /^(?:is|to|on|during|with|mentions):\S/i
const FILTERS_HELP = 'Filters are from:@name, in:#room, has:file, has:link, before:2026-11-01 and after:2026-10-01.'
const USERNAME = /^[a-z0-9_-]{3,32}$/
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const DAY_MS = 86_400_000

/** Midnight UTC at the start of a YYYY-MM-DD day, or null for a date that does not exist. */
function dayStart(value: string): number | null {
  const match = DATE.exec(value)
  if (!match) return null
  const time = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))
  return new Date(time).toISOString().slice(0, 10) === value ? time : null
}

/**
 * Parses the search box's text. Filters: `from:@user`, `in:#room`, `before:YYYY-MM-DD` (earlier
 * days), `after:YYYY-MM-DD` (later days), `has:file`, `has:link`; days are UTC. The last word is a
 * prefix unless the text ends with a space. Throws an Error naming the problem.
 */
export function parseSearchQuery(text: string): SearchQuery {
  const query: SearchQuery = { terms: [], prefix: null, has: [] }
  const words: string[] = []
  const seen = new Set<string>()
  for (const token of text.split(/\s+/).filter(Boolean)) {
    if (FOREIGN_FILTER.test(token)) throw new Error(`"${token}" is not a filter. ${FILTERS_HELP}`)
    const filter = FILTER.exec(token)
    if (!filter) {
      words.push(token)
      continue
    }
    const name = filter[1]!.toLowerCase()
    const value = filter[2]!
    if (name !== 'has' && seen.has(name)) throw new Error(`Give ${name}: only once`)
    seen.add(name)
    if (name === 'from') {
      const username = value.replace(/^@/, '').toLowerCase()
      if (!USERNAME.test(username)) throw new Error('from: needs a username, like from:@alice')
      query.from = username
    }
    else if (name === 'in') {
      const room = value.replace(/^#/, '').toLowerCase()
      if (!ROOM_ID_PATTERN.test(room)) throw new Error('in: needs a room, like in:#general')
      query.in = room
    }
    else if (name === 'has') {
      const what = value.toLowerCase()
      if (what !== 'file' && what !== 'link') throw new Error(`"${token}" is not a filter: has: takes file or link. ${FILTERS_HELP}`)
      if (!query.has.includes(what)) query.has.push(what)
    }
    else {
      const day = dayStart(value)
      if (day === null) throw new Error(`${name}: needs a date like 2026-11-01`)
      if (name === 'before') query.before = day
      else query.after = day + DAY_MS
    }
  }
  if (query.after !== undefined && query.before !== undefined && query.after >= query.before) throw new Error('after: must be earlier than before:')

  const segments = wordSegments(words.join(' ')).map(s => s.word)
  if (segments.length > MAX_QUERY_WORDS) throw new Error(`Search for at most ${MAX_QUERY_WORDS} words at a time`)
  const terms = segments.flatMap(termsOfWord)
  // A trailing space ends the last word: then it must match whole.
  if (terms.length && !/\s$/.test(text)) {
    const last = terms.pop()!
    // One letter matches too much to list by prefix; CJK characters are words of their own.
    if ([...last].length > 1 || isCjk(last)) query.prefix = last
    else terms.push(last)
  }
  query.terms = [...new Set(terms.filter(t => !isStopWord(t)))]
  if (query.prefix && query.terms.includes(query.prefix)) query.prefix = null
  return query
}
