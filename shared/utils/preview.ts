import type { ChatMessage } from '../types/chat'
import { markdownToText } from './markdown.ts'

const PREVIEW_LENGTH = 80

/** One line of at most 80 characters, as the sidebar shows a room's latest message or topic. */
export function previewText(text: string): string {
  const line = text.replace(/\s+/g, ' ')
  return line.length > PREVIEW_LENGTH ? `${line.slice(0, PREVIEW_LENGTH - 1)}…` : line
}

/** A message as one plain line: its words without the Markdown around them (`**` or fences). */
export function messagePreview(message: Pick<ChatMessage, 'username' | 'content'>): string {
  return previewText(`${message.username}: ${markdownToText(message.content.text)}`)
}
