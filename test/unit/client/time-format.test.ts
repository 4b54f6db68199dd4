import { describe, expect, it } from 'vitest'

const TIME = Date.UTC(2026, 0, 31, 22, 30)

describe('time formatting', () => {
  it('keys days in the given zone', () => {
    expect(dayKey(TIME, 'UTC')).toBe('2026-01-31')
    expect(dayKey(TIME, 'Asia/Tokyo')).toBe('2026-02-01')
  })

  it('says Today and Yesterday in the given zone, else nothing', () => {
    expect(relativeDay(TIME, 'UTC', TIME + 60_000)).toBe('Today')
    expect(relativeDay(TIME, 'Asia/Tokyo', TIME + 3 * 3_600_000)).toBe('Today')
    expect(relativeDay(TIME, 'UTC', TIME + 3 * 3_600_000)).toBe('Yesterday')
    expect(relativeDay(TIME, 'UTC', TIME + 3 * 86_400_000)).toBeNull()
  })

  it('writes the full time in the reader\'s zone and language', () => {
    expect(formatFullTime(TIME, { timeZone: 'Asia/Tokyo', locale: 'en-GB' })).toMatch(/^Sunday,? 1 February 2026 at 07:30$/)
  })

  it('takes the first language of an Accept-Language header and ignores nonsense', () => {
    expect(firstLanguage('en-GB,en;q=0.9')).toBe('en-GB')
    expect(firstLanguage('de;q=0.8')).toBe('de')
    expect(firstLanguage('not a language!')).toBeNull()
    expect(firstLanguage(undefined)).toBeNull()
  })
})
