import { describe, expect, it } from 'vitest'
import { displayNameOf, foldName, guestName, mentionedNames } from '#shared/utils/people'
import { createDmSchema, displayNameSchema, memberSettingsSchema, userQuerySchema } from '#shared/schemas/people'

describe('names of people', () => {
  it('gives guests a readable name derived from their id, the same everywhere', () => {
    expect(guestName('anonymous_cf9b0d00112233445566')).toBe(guestName('anonymous_cf9b0d00112233445566'))
    expect(guestName('anonymous_cf9b0d00112233445566')).toMatch(/^Guest \d{4}$/)
    expect(guestName('alice')).toBeNull()
    expect(displayNameOf('alice', 'Alice Liddell')).toBe('Alice Liddell')
    expect(displayNameOf('alice')).toBe('alice')
  })

  it('folds names for searching: lower case, accents off', () => {
    expect(foldName('Zoë ÜNAL')).toBe('zoe unal')
  })

  it('accepts display names of 1–48 Unicode characters, counted as people see them', () => {
    expect(displayNameSchema.parse('  名前  ')).toBe('名前')
    expect(displayNameSchema.safeParse('😀'.repeat(48)).success).toBe(true)
    expect(displayNameSchema.safeParse('😀'.repeat(49)).error?.issues[0]?.message).toBe('Display name must be at most 48 characters')
    expect(displayNameSchema.safeParse('   ').error?.issues[0]?.message).toBe('Display name is required')
    expect(displayNameSchema.safeParse('a\u202Eb').success).toBe(false)
  })

  it('limits a DM to 8 people, the starter included', () => {
    expect(createDmSchema.safeParse({ usernames: ['a1', 'b2', 'c3', 'd4', 'e5', 'f6', 'g7'] }).success).toBe(true)
    expect(createDmSchema.safeParse({ usernames: ['a1', 'b2', 'c3', 'd4', 'e5', 'f6', 'g7', 'h8'] }).success).toBe(false)
  })

  it('looks people up by a search or by a list of names, never both, each name once and in lower case', () => {
    expect(userQuerySchema.parse({ q: ' zoë ' })).toEqual({ q: 'zoë' })
    expect(userQuerySchema.parse({ names: 'Bob, carol,,bob ' })).toEqual({ names: ['bob', 'carol'] })
    expect(userQuerySchema.safeParse({ names: Array.from({ length: 51 }, (_, i) => `u${i}`).join(',') }).error?.issues[0]?.message).toBe('Look up at most 50 people at once')
    expect(userQuerySchema.safeParse({}).error?.issues[0]?.message).toBe('Give either q or names')
    expect(userQuerySchema.safeParse({ q: 'a', names: 'b' }).error?.issues[0]?.message).toBe('Give either q or names')
  })

  it('changes a room setting only when told which', () => {
    expect(memberSettingsSchema.parse({ notify: 'mentions' })).toEqual({ notify: 'mentions' })
    expect(memberSettingsSchema.safeParse({}).error?.issues[0]?.message).toBe('Give muted or notify')
    expect(memberSettingsSchema.safeParse({ notify: 'some' }).error?.issues[0]?.message).toBe('notify must be all, mentions or nothing')
  })
})

describe('mentions', () => {
  it('finds @names once each, lower case, and not inside e-mail addresses or words', () => {
    expect(mentionedNames('hi @Bob and @bob, @carol_1! mail me at dan@example.com or @room')).toEqual(['bob', 'carol_1', 'room'])
    expect(mentionedNames('no@mention here, @ab is too short')).toEqual([])
  })
})
