import { describe, expect, it } from 'vitest'
import { emojiForShortcode } from '../../server/domain/text/emoji-shortcodes.ts'
import { canonicalEmoji, loadEmojiCatalogue, QUICK_REACTIONS, searchEmoji } from '../../shared/utils/emoji.ts'

describe('emoji data', () => {
  it('resolves Slack shortcodes to emoji, in emoji presentation', () => {
    expect(emojiForShortcode('+1')).toBe('👍')
    expect(emojiForShortcode('thumbsup')).toBe('👍')
    expect(emojiForShortcode('tada')).toBe('🎉')
    expect(emojiForShortcode('heart')).toBe('❤️')
    expect(emojiForShortcode('TADA')).toBe('🎉')
  })

  it('knows nothing of shortcodes that do not exist', () => {
    expect(emojiForShortcode('no_such_emoji')).toBeUndefined()
  })

  it('finds emoji by shortcode, label or keyword prefix', async () => {
    const all = await loadEmojiCatalogue()
    expect(all.length).toBeGreaterThan(1500)
    expect(searchEmoji(all, 'thumbs').map(e => e.unicode)).toContain('👍')
    expect(searchEmoji(all, ':tad').map(e => e.unicode)).toContain('🎉')
    expect(searchEmoji(all, 'xyzzy')).toEqual([])
  })

  it('spells an emoji one way whatever variation selectors it came with', () => {
    expect(canonicalEmoji('👍\uFE0F')).toBe('👍')
    expect(canonicalEmoji('❤')).toBe('❤️')
    expect(canonicalEmoji('❤️')).toBe('❤️')
  })

  it('offers quick reactions that are all in the catalogue', async () => {
    const known = new Set((await loadEmojiCatalogue()).map(e => e.unicode))
    for (const emoji of QUICK_REACTIONS) expect(known.has(emoji)).toBe(true)
  })
})
