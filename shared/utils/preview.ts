import type { ChatMessage } from '../types/chat'
import { messageText } from './message-html.ts'
import { displayNameOf } from './people.ts'

const PREVIEW_LENGTH = 80

/** One line of at most 80 characters, as the sidebar shows a room's latest message or topic. */
export function previewText(text: string): string {
  const line = text.replace(/\s+/g, ' ')
  return line.length > PREVIEW_LENGTH ? `${line.slice(0, PREVIEW_LENGTH - 1)}…` : line
}

/** A message as one plain line: its words without the Markdown around them (`**` or fences); a tombstone says so. */
export function messagePreview(message: Pick<ChatMessage, 'username' | 'content' | 'html' | 'attachments' | 'deleted'>): string {
  // A guest is "Guest 4821" here as everywhere; accounts keep their username (their display names
  // are not at hand where previews are made).
  const author = displayNameOf(message.username)
  if (message.deleted) return previewText(`${author}: message deleted`)
  // A file sent without a caption is previewed by its name.
  const files = message.attachments?.length ? `📎 ${message.attachments.map(a => a.name).join(', ')}` : ''
  return previewText(`${author}: ${messageText(message) || files}`)
}
