import { LRUCache } from 'lru-cache'
import { renderMarkdown } from './markdown.ts'

/**
 * Message text as HTML, rendered here once rather than in every browser: the page then ships no
 * Markdown renderer, highlighter or emoji data (about 70 KB compressed), and the server renders
 * a text once however many people read it. The HTML is the same for every reader; the browser
 * marks the reader's own mentions (shared/utils/message-html.ts). Not stored: a change of renderer
 * applies to old messages too. Cached by text, since a page of history is rendered on every view.
 */
const rendered = new LRUCache<string, string>({ max: 5000, maxSize: 16_000_000, sizeCalculation: (html, text) => html.length + text.length })

export function messageHtml(text: string): string {
  if (!text) return ''
  let html = rendered.get(text)
  if (html === undefined) {
    html = renderMarkdown(text)
    rendered.set(text, html)
  }
  return html
}
