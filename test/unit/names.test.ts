import { describe, expect, it } from 'vitest'
import { displayNameSchema } from '#shared/schemas/people'
import { registerSchema } from '#shared/schemas/auth'
import { isGuestLike, nameKey } from '../../server/domain/people/name-keys.ts'

describe('names that read alike', () => {
  it('fold to one key whatever their case, width, accents, look-alike letters or invisible characters', () => {
    const key = nameKey('Victoria Smith')
    for (const spoof of ['VICTORIA SMITH', 'victoria  smith', 'Vict\u043Eria Smith', '\uFF36ictoria Smith', 'Vi\u200Dctoria Smith', 'Victoria Srnith', 'Vîctoria Smith', 'Victor\u0131a Smith']) {
      expect(nameKey(spoof), spoof).toBe(key)
    }
    // The capital I is a small l to the eye.
    expect(nameKey('AIice')).toBe(nameKey('alice'))
    expect(nameKey('d0ra')).toBe(nameKey('dora'))
    expect(nameKey('Victor Smith')).not.toBe(key)
  })

  it('keep guests\' names for guests, in any disguise', () => {
    for (const name of ['Guest 4821', 'guest 1234', 'GUEST 1000', 'Guest 482l', 'G\u0075est\u00A09999', 'anonymous_abc']) expect(isGuestLike(name), name).toBe(true)
    for (const name of ['Guestbook', 'Guest of honour', 'Gustav 4821']) expect(isGuestLike(name), name).toBe(false)
  })
})

describe('display names that look blank or altered', () => {
  it.each([
    ['a Hangul filler', '\u3164'],
    ['a halfwidth Hangul filler', '\uFFA0'],
    ['a Hangul jungseong filler', 'Ann\u1160'],
    ['a blank braille pattern', '\u2800'],
    ['a combining grapheme joiner', 'A\u034FB'],
    ['a zero-width joiner between letters', 'Al\u200Dice'],
    ['a zero-width non-joiner', 'Al\u200Cice'],
    ['a line separator', 'Line\u2028Break'],
    ['a paragraph separator', 'Para\u2029graph'],
    ['a variation selector on a letter', 'A\uFE0F'],
    ['only combining marks', '\u0301\u0301'],
    ['a username', '@alice'],
  ])('are refused: %s', (_, name) => {
    expect(displayNameSchema.safeParse(name).success).toBe(false)
    expect(registerSchema.safeParse({ username: 'newcomer', password: 'Correct-Horse-9', displayName: name }).success).toBe(false)
  })

  it.each(['Zoë Ünal', '名前', 'Dev 👩‍💻', 'Family 👨‍👩‍👧', '❤️ Ann', 'O\'Brien-Smith', '🏳️‍🌈'])('are told from real ones: %s is accepted', (name) => {
    expect(displayNameSchema.safeParse(name).success).toBe(true)
  })
})
