import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { TypingState } from '../../server/socket/typing-state.ts'

beforeEach(() => {
  vi.useFakeTimers()
})

afterEach(() => {
  vi.useRealTimers()
})

describe('typing indicators', () => {
  it('relay the first key press, then at most one refresh every 2 s', () => {
    const typing = new TypingState(() => {})
    const relayed = [0, 500, 1000, 1500, 2000, 2500, 3500, 4000].map((at) => {
      vi.setSystemTime(at)
      return typing.start('general')
    })
    expect(relayed).toEqual([true, false, false, false, true, false, false, true])
  })

  it('end by themselves 3 s after the last key press', () => {
    const expired: string[] = []
    const typing = new TypingState(room => expired.push(room))
    typing.start('general')
    vi.advanceTimersByTime(2_000)
    typing.start('general')
    vi.advanceTimersByTime(2_999)
    expect(expired).toEqual([])
    vi.advanceTimersByTime(1)
    expect(expired).toEqual(['general'])
  })

  it('end at once when stopped, without expiring later', () => {
    const expired: string[] = []
    const typing = new TypingState(room => expired.push(room))
    typing.start('general')
    typing.start('ecs')
    expect(typing.stop('general')).toBe(true)
    expect(typing.stop('general')).toBe(false)
    expect(typing.rooms()).toEqual(['ecs'])
    vi.advanceTimersByTime(10_000)
    expect(expired).toEqual(['ecs'])
  })
})
