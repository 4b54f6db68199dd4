/**
 * What the browser does with a message's HTML, which the server renders (server/domain/text/render-message.ts)
 * so that no Markdown renderer ships in the page: mark the reader's own mentions, and read the
 * plain words back for one-line previews and screen-reader announcements.
 */

import type { ChatMessage } from '../types/chat'

/** `@room` tells everyone in the room. */
const ROOM_MENTION = 'room'

const MENTION_SPAN = /<span class="mention" data-username="([a-z0-9_-]{1,32})">/g

/** The rendered HTML with the reader's mentions (and `@room`) given the `mention-me` class. */
export function markOwnMentions(html: string, me: string | undefined): string {
  const reader = me?.toLowerCase()
  if (!reader) return html
  return html.replace(MENTION_SPAN, (span, username: string) =>
    username === reader || username === ROOM_MENTION ? `<span class="mention mention-me" data-username="${username}">` : span)
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: '\'', nbsp: ' ' }

function decodeEntity(entity: string, name: string): string {
  if (name.startsWith('#x') || name.startsWith('#X')) return String.fromCodePoint(Number.parseInt(name.slice(2), 16))
  if (name.startsWith('#')) return String.fromCodePoint(Number.parseInt(name.slice(1), 10))
  return ENTITIES[name] ?? entity
}

/**
 * The words of rendered (sanitised, renderer-made) HTML on one line: tags dropped, blocks and
 * line breaks as spaces, entities decoded. Not a general HTML parser: its input only ever comes
 * from the message renderer.
 */
export function htmlToText(html: string): string {
  return html
    .replace(/<br>|<\/(?:p|li|pre|blockquote)>/g, ' ')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,6});/gi, decodeEntity)
    .replace(/\s+/g, ' ')
    .trim()
}

/** A message's words without their Markdown (`**`, fences, quote markers), as one line. */
export function messageText(message: Pick<ChatMessage, 'content' | 'html'>): string {
  return message.html === undefined ? message.content.text.replace(/\s+/g, ' ').trim() : htmlToText(message.html)
}
