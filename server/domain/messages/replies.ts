import type { ReplyQuote } from '#shared/types/chat'
import { REPLY_QUOTE_MAX } from '#shared/schemas/limits'
import { NotFoundError } from '../../core/errors.ts'
import { getMessage } from './messages.ts'

/** The text a reply quotes: one line, at most REPLY_QUOTE_MAX characters (an ellipsis when cut). */
export function quoteOf(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim()
  const chars = [...line]
  return chars.length > REPLY_QUOTE_MAX ? `${chars.slice(0, REPLY_QUOTE_MAX - 1).join('')}…` : line
}

/**
 * What a reply to message `id` carries, taken from the stored original (never from the client).
 * The original must be in the same room (the caller has checked that room) and not deleted.
 */
export async function replyQuote(room: string, id: string): Promise<ReplyQuote> {
  const original = await getMessage(room, id)
  if (!original || original.deleted) throw new NotFoundError('The message you are replying to is not in this room')
  return { id: original.id, username: original.username, text: quoteOf(original.content.text) }
}
