// The search tokeniser, shared: the server indexes and queries with it, the browser highlights
// matches with it, so a word is folded the same way on both sides.

/** Distinct terms indexed per message: bounds the index writes of one message (later words are not searchable). */
export const MAX_TERMS_PER_MESSAGE = 32
/** Longer words are cut: a key stays small and a pasted hash does not blow up an item. */
const MAX_TERM_LENGTH = 32

/** Words so common that an index entry for them would cost writes and find everything. Small on purpose. */
const STOP_WORDS = new Set([
  'a', 'an', 'and', 'are', 'as', 'at', 'be', 'but', 'by', 'for', 'if', 'in', 'into', 'is', 'it',
  'no', 'not', 'of', 'on', 'or', 'so', 'such', 'that', 'the', 'their', 'then', 'there', 'these',
  'they', 'this', 'to', 'was', 'will', 'with', 'i', 'you', 'we', 'me', 'my',
])

// Han, Hiragana, Katakana, Hangul: Intl.Segmenter without a dictionary returns a run of these as
// one segment, so such runs are indexed as overlapping character pairs (bigrams).
const CJK = /[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Hangul}]/u

/** Whether a term is made of CJK characters (a single one is a word of its own). */
export function isCjk(term: string): boolean {
  return [...term].every(c => CJK.test(c))
}

let segmenter: Intl.Segmenter | undefined

/** Case and accent folding: "Élan" and "elan" are one term. */
export function foldWord(word: string): string {
  return word.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().normalize('NFC')
}

export function isStopWord(term: string): boolean {
  return STOP_WORDS.has(term)
}

/** A word segment of text, with where it starts (for snippets and highlighting). */
export interface WordSegment {
  word: string
  index: number
}

/** The word-like segments of text, in order (no spaces, punctuation or emoji). */
export function wordSegments(text: string): WordSegment[] {
  segmenter ??= new Intl.Segmenter('und', { granularity: 'word' })
  const words: WordSegment[] = []
  for (const { segment, index, isWordLike } of segmenter.segment(text)) {
    if (isWordLike) words.push({ word: segment, index })
  }
  return words
}

/** The terms one word stands for: itself folded and cut, or the bigrams of a CJK run. */
export function termsOfWord(word: string): string[] {
  const folded = foldWord(word)
  if (!folded) return []
  const chars = [...folded]
  if (chars.length > 1 && isCjk(folded)) {
    return chars.slice(0, -1).map((c, i) => c + chars[i + 1]!).slice(0, MAX_TERM_LENGTH)
  }
  return [chars.slice(0, MAX_TERM_LENGTH).join('')]
}

/** The distinct searchable terms of a message, in order of first appearance, stop words left out, at most `max`. */
export function messageTerms(text: string, max = MAX_TERMS_PER_MESSAGE): string[] {
  const terms = new Set<string>()
  for (const { word } of wordSegments(text)) {
    for (const term of termsOfWord(word)) {
      if (!isStopWord(term)) terms.add(term)
      if (terms.size >= max) return [...terms]
    }
  }
  return [...terms]
}

/** Whether text links somewhere (the `has:link` filter). */
export function hasLink(text: string): boolean {
  return /\bhttps?:\/\/\S|\bwww\.[a-z0-9-]+\.[a-z]/i.test(text)
}

/**
 * A stretch of text around the first highlighted word, at most about `length` characters, with
 * an ellipsis where it was cut. The browser marks the highlighted words in it.
 */
export function snippetOf(text: string, highlights: string[], length = 160): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  if (flat.length <= length) return flat
  const wanted = new Set(highlights)
  const first = wordSegments(flat).find(s => termsOfWord(s.word).some(t => wanted.has(t)))
  const start = first ? Math.max(0, first.index - Math.floor(length / 4)) : 0
  // Start and end on a space, so no word is cut in half.
  const from = start === 0 ? 0 : flat.indexOf(' ', start) + 1 || start
  let to = Math.min(flat.length, from + length)
  if (to < flat.length) to = flat.lastIndexOf(' ', to) > from ? flat.lastIndexOf(' ', to) : to
  return `${from > 0 ? '…' : ''}${flat.slice(from, to)}${to < flat.length ? '…' : ''}`
}

/** Text split into parts to show, the highlighted words marked (rendered as text, never as HTML). */
export function highlightParts(text: string, highlights: string[]): { text: string, mark: boolean }[] {
  const wanted = new Set(highlights)
  const parts: { text: string, mark: boolean }[] = []
  let at = 0
  for (const { word, index } of wordSegments(text)) {
    if (!termsOfWord(word).some(t => wanted.has(t))) continue
    if (index > at) parts.push({ text: text.slice(at, index), mark: false })
    parts.push({ text: word, mark: true })
    at = index + word.length
  }
  if (at < text.length) parts.push({ text: text.slice(at), mark: false })
  return parts
}
