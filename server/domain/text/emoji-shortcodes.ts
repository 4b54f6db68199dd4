import shortcodesByHexcode from 'emojibase-data/en/shortcodes/iamcal.json'
import { unicodeOf } from '../../../shared/utils/emoji.ts'

/** Emoji by Slack shortcode (iamcal's set, from emojibase), for the Markdown renderer's `:tada:`. */
let byShortcode: Map<string, string> | undefined

function shortcodeMap(): Map<string, string> {
  if (!byShortcode) {
    byShortcode = new Map()
    for (const [hexcode, codes] of Object.entries(shortcodesByHexcode as Record<string, string | string[]>)) {
      const unicode = unicodeOf(hexcode)
      for (const code of [codes].flat()) byShortcode.set(code, unicode)
    }
  }
  return byShortcode
}

/** The emoji a shortcode (without its colons, e.g. `tada`) stands for, if any. */
export function emojiForShortcode(shortcode: string): string | undefined {
  return shortcodeMap().get(shortcode.toLowerCase())
}
