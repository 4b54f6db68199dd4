import { describe, expect, it } from 'vitest'
import type { CatalogueEmoji } from '#shared/utils/emoji'

const catalogue: CatalogueEmoji[] = [
  { unicode: '🎉', label: 'party popper', shortcodes: ['tada'], tags: ['celebration'] },
  { unicode: '🌮', label: 'taco', shortcodes: ['taco'], tags: ['mexican'] },
  { unicode: '👍', label: 'thumbs up', shortcodes: ['+1', 'thumbsup'], tags: ['yes'] },
]
const rooms = [{ id: 'general', name: 'General', link: 'https://chat.example/rooms/general' }, { id: 'gear', name: 'Gear talk', link: 'https://chat.example/rooms/gear' }, { id: 'lambda', name: 'Lambda', link: 'https://chat.example/rooms/lambda' }]

/** A composer holding `typed` with the caret at its end. */
function composer(typed: string) {
  const text = ref(typed)
  const el = document.createElement('textarea')
  el.value = typed
  el.setSelectionRange(typed.length, typed.length)
  const suggest = useShortcodeSuggest(text, ref(el), { emoji: async () => catalogue, rooms: () => rooms })
  return { text, suggest }
}
const key = (name: string) => new KeyboardEvent('keydown', { key: name, cancelable: true })

describe('the composer\'s :emoji: and #room suggestions', () => {
  it('offers emoji from two letters of a shortcode on, moves with the arrow keys and puts the emoji in place of what was typed', async () => {
    const { text, suggest } = composer('Shipped it :ta')
    await suggest.update()
    expect(suggest.suggestions.value.map(s => [s.label, s.hint])).toEqual([['🎉', ':tada:'], ['🌮', ':taco:']])
    expect(suggest.onKeydown(key('ArrowDown'))).toBe(true)
    expect(suggest.onKeydown(key('Enter'))).toBe(true)
    expect(text.value).toBe('Shipped it 🌮 ')
    expect(suggest.suggestions.value).toEqual([])
  })

  it('offers the rooms whose id or name starts with what follows #, and Tab puts in a link to the room', async () => {
    const { text, suggest } = composer('See #ge')
    await suggest.update()
    expect(suggest.suggestions.value.map(s => s.hint)).toEqual(['#general', '#gear'])
    suggest.onKeydown(key('Tab'))
    expect(text.value).toBe('See [#General](https://chat.example/rooms/general) ')
  })

  it('stays closed for one letter, for a colon inside a word or a time, and after Escape', async () => {
    for (const typed of ['Hi :t', 'at 10:30', 'a:ta']) {
      const { suggest } = composer(typed)
      await suggest.update()
      expect(suggest.suggestions.value).toEqual([])
      expect(suggest.onKeydown(key('Enter'))).toBe(false)
    }
    const { suggest } = composer('#')
    await suggest.update()
    expect(suggest.suggestions.value).toHaveLength(3)
    expect(suggest.onKeydown(key('Escape'))).toBe(true)
    expect(suggest.suggestions.value).toEqual([])
  })
})
