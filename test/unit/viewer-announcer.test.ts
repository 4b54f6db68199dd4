import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { RoomPresenceEvent, RoomViewers } from '#shared/types/chat'
import { createViewerAnnouncer } from '../../server/socket/viewer-announcer.ts'

beforeEach(() => {
  vi.useFakeTimers()
})

afterEach(() => {
  vi.useRealTimers()
})

function setup() {
  const sent: [string, RoomPresenceEvent][] = []
  let current: RoomViewers = { members: [], version: 0 }
  const io = { to: (to: string) => ({ emit: (_event: 'room members', payload: RoomPresenceEvent) => sent.push([to, payload]) > 0 }) }
  const announce = createViewerAnnouncer(io, { viewers: async () => current })
  /** Someone opens the room: the list the change answered with. */
  const join = (room: string, username: string) => {
    current = { members: [...current.members, { username, avatar: '' }], version: current.version + 1 }
    announce(room, current)
  }
  return { sent, join }
}

describe('who is looking at a room', () => {
  it('is told only to those looking at it, the first change at once', () => {
    const { sent, join } = setup()
    join('general', 'ann')
    expect(sent).toEqual([['#viewers:general', { room: 'general', members: [{ username: 'ann', avatar: '' }], version: 1 }]])
  })

  it('folds a burst of arrivals into one list a second, the newest', async () => {
    const { sent, join } = setup()
    for (let i = 0; i < 500; i++) join('general', `guest${i}`)
    expect(sent).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1_000)
    expect(sent).toHaveLength(2)
    expect(sent[1]![1].version).toBe(500)
    expect(sent[1]![1].members).toHaveLength(500)
    // Nothing changed since: nothing more goes out, and the next change goes out at once again.
    await vi.advanceTimersByTimeAsync(5_000)
    expect(sent).toHaveLength(2)
    join('general', 'late')
    expect(sent).toHaveLength(3)
  })

  it('keeps each room\'s window to itself', () => {
    const { sent, join } = setup()
    join('general', 'ann')
    join('ecs', 'bob')
    expect(sent.map(([to]) => to)).toEqual(['#viewers:general', '#viewers:ecs'])
  })
})
