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
