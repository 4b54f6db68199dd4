import shortcodesByHexcode from 'emojibase-data/en/shortcodes/iamcal.json'

/**
 * Emoji by shortcode, from emojibase's data with Slack's shortcodes (iamcal's set), so
 * `:+1:`, `:tada:` and `:white_check_mark:` mean what Slack users expect. Both the Markdown
 * renderer (server and browser alike, so server HTML and hydration agree) and the reaction
 * picker read it. The full emoji list with names and keywords is large, so the picker loads it
 * on demand (`loadEmojiCatalogue`).
 */

/** The reactions offered with one click, before the searchable picker. */
export const QUICK_REACTIONS = ['👍', '❤️', '😂', '🎉', '👀', '🙏'] as const

/**
 * One spelling per emoji, so the same reaction from two keyboards counts once: variation
 * selectors dropped, except that a single code point below the emoji planes (❤, ☀, ✔) keeps
 * U+FE0F, without which it shows as text.
 */
export function canonicalEmoji(emoji: string): string {
  const points = [...emoji.replaceAll('\uFE0F', '')].map(c => c.codePointAt(0)!)
  const text = String.fromCodePoint(...points)
  return points.length === 1 && points[0]! < 0x1F000 ? `${text}\uFE0F` : text
}

function unicodeOf(hexcode: string): string {
  return canonicalEmoji(String.fromCodePoint(...hexcode.split('-').map(hex => Number.parseInt(hex, 16))))
}

let byShortcode: Map<string, string> | undefined

function shortcodeMap(): Map<string, string> {
  if (!byShortcode) {
    byShortcode = new Map()
    for (const [hexcode, codes] of Object.entries(shortcodesByHexcode as Record<string, string | string[]>)) {
      const unicode = unicodeOf(hexcode)
      for (const code of Array.isArray(codes) ? codes : [codes]) byShortcode.set(code, unicode)
    }
  }
  return byShortcode
}

/** The emoji a shortcode (without its colons, e.g. `tada`) stands for, if any. */
export function emojiForShortcode(shortcode: string): string | undefined {
  return shortcodeMap().get(shortcode.toLowerCase())
}

export interface CatalogueEmoji {
  unicode: string
  label: string
  shortcodes: string[]
  tags: string[]
}

let catalogue: Promise<CatalogueEmoji[]> | undefined

/** Every emoji with its label, shortcodes and keywords (loaded once, on first use). */
export function loadEmojiCatalogue(): Promise<CatalogueEmoji[]> {
  catalogue ??= import('emojibase-data/en/compact.json').then(({ default: all }) => {
    const codes = new Map<string, string[]>()
    for (const [shortcode, unicode] of shortcodeMap()) {
      const list = codes.get(unicode) ?? []
      list.push(shortcode)
      codes.set(unicode, list)
    }
    return all
      .filter(emoji => emoji.group !== undefined && emoji.group !== 2) // 2: skin-tone components
      .map(emoji => ({
        unicode: unicodeOf(emoji.hexcode),
        label: emoji.label,
        shortcodes: codes.get(emoji.unicode) ?? [],
        tags: emoji.tags ?? [],
      }))
  })
  return catalogue
}

/** Emoji whose shortcode, label or keyword starts with `query` (case-insensitive), in catalogue order. */
export function searchEmoji(all: CatalogueEmoji[], query: string, limit = 48): CatalogueEmoji[] {
  const q = query.trim().toLowerCase().replace(/^:|:$/g, '')
  if (!q) return all.slice(0, limit)
  const found: CatalogueEmoji[] = []
  for (const emoji of all) {
    const words = [...emoji.shortcodes, ...emoji.label.toLowerCase().split(/\s+/), ...emoji.tags]
    if (words.some(word => word.startsWith(q))) found.push(emoji)
    if (found.length === limit) break
  }
  return found
}
