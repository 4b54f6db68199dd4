import { describe, expect, it } from 'vitest'
import { statusSchema } from '#shared/schemas/people'
import { liveStatus } from '#shared/utils/people'

const parse = (body: unknown) => {
  const result = statusSchema.safeParse(body)
  return result.success ? result.data : result.error.issues.map(issue => issue.message)
}

describe('the status schema', () => {
  it('takes one emoji, up to 100 characters of plain text (trimmed, possibly empty) and an end or null', () => {
    expect(parse({ emoji: '📅', text: '  In a meeting ', expiresAt: 1_800_000_000_000 })).toEqual({ emoji: '📅', text: 'In a meeting', expiresAt: 1_800_000_000_000 })
    expect(parse({ emoji: '🌴', text: '', expiresAt: null })).toEqual({ emoji: '🌴', text: '', expiresAt: null })
    expect(parse({ emoji: '👩🏽‍💻', text: 'é'.repeat(100), expiresAt: null })).toMatchObject({ emoji: '👩🏽‍💻' })
  })

  it('refuses two emoji or letters, 101 characters, line breaks and invisible characters, other fields, and a missing or fractional end', () => {
    expect(parse({ emoji: '📅📅', text: '', expiresAt: null })).toEqual(['A status has one emoji such as 📅'])
    expect(parse({ emoji: 'x', text: '', expiresAt: null })).toEqual(['A status has one emoji such as 📅'])
    expect(parse({ emoji: '📅', text: 'a'.repeat(101), expiresAt: null })).toEqual(['Status must be at most 100 characters'])
    expect(parse({ emoji: '📅', text: 'one\ntwo', expiresAt: null })).toEqual(['Status must not contain control or invisible formatting characters'])
    expect(parse({ emoji: '📅', text: 'a\u202Eb', expiresAt: null })).toEqual(['Status must not contain control or invisible formatting characters'])
    expect(parse({ emoji: '📅', text: 'a', expiresAt: null, html: '<b>' })).toHaveLength(1)
    expect(parse({ emoji: '📅', text: 'a' })).toEqual(['expiresAt must be a time in ms or null'])
    expect(parse({ emoji: '📅', text: 'a', expiresAt: 1.5 })).toEqual(['expiresAt must be a time in ms or null'])
  })
})

describe('an ended status', () => {
  it('is never shown: a status counts until its end (exclusive), and one without an end until cleared', () => {
    const status = { emoji: '📅', text: 'In a meeting', expiresAt: 1000 }
    expect(liveStatus(status, 999)).toBe(status)
    expect(liveStatus(status, 1000)).toBeUndefined()
    expect(liveStatus({ ...status, expiresAt: null }, Number.MAX_SAFE_INTEGER)).toMatchObject({ expiresAt: null })
    expect(liveStatus(undefined, 0)).toBeUndefined()
  })
})
