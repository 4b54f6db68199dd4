/**
 * Emoji from emojibase's data with Slack's shortcodes (iamcal's set), so `:+1:`, `:tada:` and
 * `:white_check_mark:` mean what Slack users expect. The data is large, so the reaction picker
 * loads it on demand (`loadEmojiCatalogue`); the server's Markdown renderer reads the shortcodes
 * through server/domain/text/emoji-shortcodes.ts.
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

/** The emoji an emojibase hexcode (`1F44D`, `2764-FE0F`) stands for, in its canonical spelling. */
export function unicodeOf(hexcode: string): string {
  return canonicalEmoji(String.fromCodePoint(...hexcode.split('-').map(hex => Number.parseInt(hex, 16))))
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
  catalogue ??= Promise.all([import('emojibase-data/en/compact.json'), import('emojibase-data/en/shortcodes/iamcal.json')]).then(([{ default: all }, { default: shortcodes }]) => {
    const codes = new Map<string, string[]>()
    for (const [hexcode, list] of Object.entries(shortcodes as Record<string, string | string[]>)) {
      const unicode = unicodeOf(hexcode)
      codes.set(unicode, [...codes.get(unicode) ?? [], ...[list].flat()])
    }
    return all
      .filter(emoji => emoji.group !== undefined && emoji.group !== 2) // 2: skin-tone components
      .map((emoji) => {
        const unicode = unicodeOf(emoji.hexcode)
        return { unicode, label: emoji.label, shortcodes: codes.get(unicode) ?? [], tags: emoji.tags ?? [] }
      })
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
