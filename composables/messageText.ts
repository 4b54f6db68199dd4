/** A piece of a message: plain text, or a link to render as an anchor (never as HTML). */
export type TextSegment = { kind: 'text', text: string } | { kind: 'link', text: string, href: string }

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+/gi
const TRAILING_PUNCTUATION = /[.,;:!?)\]}'"]+$/

/** Splits message text into text and link segments. Only http(s) URLs become links. */
export function linkify(text: string): TextSegment[] {
  const segments: TextSegment[] = []
  let last = 0
  for (const match of text.matchAll(URL_PATTERN)) {
    let url = match[0]
    const trailing = url.match(TRAILING_PUNCTUATION)?.[0] ?? ''
    // Keep a closing bracket that belongs to the URL, e.g. wikipedia links with (parentheses).
    if (trailing && !(trailing.startsWith(')') && url.includes('('))) url = url.slice(0, url.length - trailing.length)
    const start = match.index
    if (start > last) segments.push({ kind: 'text', text: text.slice(last, start) })
    let href: string | null = null
    try {
      const parsed = new URL(url)
      if (parsed.protocol === 'http:' || parsed.protocol === 'https:') href = parsed.href
    }
    catch {
      href = null
    }
    segments.push(href ? { kind: 'link', text: url, href } : { kind: 'text', text: url })
    last = start + url.length
  }
  if (last < text.length) segments.push({ kind: 'text', text: text.slice(last) })
  return segments
}
