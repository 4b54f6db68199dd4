import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { PresenceChange, PresenceCount } from '#shared/types/chat'
import { createAnnouncer } from '../../server/socket/announcer.ts'

beforeEach(() => {
  vi.useFakeTimers()
})

afterEach(() => {
  vi.useRealTimers()
})

function setup(clientsCount: number, numUsers: number) {
  const announced: [string, PresenceChange][] = []
  const summaries: unknown[] = []
  function emit(event: 'presence', payload: PresenceCount): boolean
  function emit(event: 'user joined' | 'user left', payload: PresenceChange): boolean
  function emit(event: string, payload: PresenceChange | PresenceCount): boolean {
    if (event === 'presence') summaries.push({ event, payload })
    else announced.push([event, payload as PresenceChange])
    return true
  }
  const announce = createAnnouncer({ engine: { clientsCount }, emit }, { online: async () => ({ numUsers, version: 7 }) })
  const join = (i: number) => announce('user joined', { username: `guest${i}`, avatar: '', numUsers: i, version: i })
  return { announced, summaries, join }
}

describe('sign-in announcements', () => {
  it('announce each sign-in while they cost less than the frame budget', () => {
    const { announced, summaries, join } = setup(50, 10)
    for (let i = 0; i < 10; i++) join(i)
    expect(announced).toHaveLength(10)
    vi.advanceTimersByTime(5_000)
    expect(summaries).toEqual([])
  })

  it('fold a burst past the budget into one presence update a second', async () => {
    // 20,000 frames a second among 500 sockets: 40 announcements in a second.
    const { announced, summaries, join } = setup(500, 81)
    for (let i = 0; i < 80; i++) join(i)
    expect(announced).toHaveLength(40)
    await vi.advanceTimersByTimeAsync(1_000)
    expect(summaries).toEqual([{ event: 'presence', payload: { numUsers: 81, version: 7 } }])
    // A new second has a new budget.
    join(81)
    expect(announced).toHaveLength(41)
  })
})
