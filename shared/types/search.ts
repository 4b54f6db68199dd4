import type { ChatMessage } from './chat'

/** One search result: the message as history has it, plus what to show in the result list. */
export type SearchHit = ChatMessage & {
  /** The message's own words (folded) that matched the query: the browser marks them. */
  highlights: string[]
  /** A stretch of the text around the first match. */
  snippet: string
}

export interface SearchPage {
  messages: SearchHit[]
  /** Pass as `before` for older hits; null when there are none. */
  next: string | null
}

/**
 * What a search asks of the messages a server has stored and not yet written to the index (server
 * side only: servers ask each other). A message matches with every term and pseudo-term (`@author`,
 * `has:file`, `has:link`) of `required`, a word starting with `prefix`, in `room`, with an id below
 * `before` and at or after `from`.
 */
export interface PendingQuery {
  required: string[]
  prefix: string | null
  room?: string
  before?: string
  from?: string
}

/** A message that matched a PendingQuery: where to read it. */
export interface PendingHit {
  room: string
  id: string
}

/** One instance's answer to a PendingQuery: its newest matches, at most a few hundred. */
export interface PendingAnswer {
  hits: PendingHit[]
  /** Every match at or after this id is in `hits` ('' when all are). */
  floor: string
}
