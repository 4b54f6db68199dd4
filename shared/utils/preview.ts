import type { ChatMessage, LatestMessage } from '../types/chat'
import { messageText } from './message-html.ts'
import { displayNameOf } from './people.ts'

const PREVIEW_LENGTH = 80

/** One line of at most 80 characters, as the sidebar shows a room's latest message or topic. */
export function previewText(text: string): string {
  const line = text.replace(/\s+/g, ' ')
  return line.length > PREVIEW_LENGTH ? `${line.slice(0, PREVIEW_LENGTH - 1)}…` : line
}

type Previewed = Pick<ChatMessage, 'username' | 'content' | 'html' | 'attachments' | 'deleted'>

/** A message's words on one line, without the Markdown around them (`**` or fences); a file sent without a caption by its name; a tombstone says so. */
function previewWords(message: Previewed): string {
  const files = message.attachments?.length ? `📎 ${message.attachments.map(a => a.name).join(', ')}` : ''
  return previewText(message.deleted ? 'message deleted' : messageText(message) || files)
}

/** A room's newest message as the sidebar shows it: who (a username, which each reader shows by display name) and what. */
export function latestOf(message: Previewed & Pick<ChatMessage, 'id'>): LatestMessage {
  return { id: message.id, username: message.username, text: previewWords(message) }
}

/** "Name: words" in one line, naming the author with `nameOf` (by default a guest's readable name, else the username). */
export function previewLine(latest: Pick<LatestMessage, 'username' | 'text'>, nameOf: (username: string) => string = displayNameOf): string {
  return previewText(`${nameOf(latest.username)}: ${latest.text}`)
}

/** A message as one plain line with its author, as the original protocol's `preview` and notifications have it. */
export function messagePreview(message: Previewed): string {
  return previewLine({ username: message.username, text: previewWords(message) })
}
