import { describe, expect, it } from 'vitest'
import { displayNameOf, foldName, guestName, mentionedNames } from '#shared/utils/people'
import { createDmSchema, displayNameSchema } from '#shared/schemas/people'

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
})

describe('mentions', () => {
  it('finds @names once each, lower case, and not inside e-mail addresses or words', () => {
    expect(mentionedNames('hi @Bob and @bob, @carol_1! mail me at dan@example.com or @room')).toEqual(['bob', 'carol_1', 'room'])
    expect(mentionedNames('no@mention here, @ab is too short')).toEqual([])
  })
})
