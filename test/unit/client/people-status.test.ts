import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import type { Person } from '#shared/types/chat'

const person = (username: string, expiresAt: number | null): Person => ({ username, displayName: username, avatar: '', status: { emoji: '📅', text: 'In a meeting', expiresAt } })

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 })
  setActivePinia(createPinia())
})
afterEach(() => vi.useRealTimers())

describe('statuses in the people store', () => {
  it('end on their own without a reload, with one timer for the soonest end rather than one per person', async () => {
    const people = usePeopleStore()
    people.remember(person('ann', 1_000_000 + 60_000))
    people.remember(person('bob', 1_000_000 + 30_000))
    people.remember(person('cat', null))
    await nextTick()
    expect(vi.getTimerCount()).toBe(1)
    expect(people.statusOf('bob')?.text).toBe('In a meeting')

    await vi.advanceTimersByTimeAsync(30_000)
    expect(people.statusOf('bob')).toBeNull()
    expect(people.statusOf('ann')?.text).toBe('In a meeting')
    expect(vi.getTimerCount()).toBe(1)

    await vi.advanceTimersByTimeAsync(30_000)
    expect(people.statusOf('ann')).toBeNull()
    expect(people.statusOf('cat')?.expiresAt).toBeNull()
    expect(vi.getTimerCount()).toBe(0)
  })

  it('waits for an end past setTimeout\'s longest delay (about 24.8 days) in steps', async () => {
    const people = usePeopleStore()
    const month = 30 * 86_400_000
    people.remember(person('ann', 1_000_000 + month))
    await vi.advanceTimersByTimeAsync(2 ** 31 - 1)
    expect(people.statusOf('ann')?.text).toBe('In a meeting')
    await vi.advanceTimersByTimeAsync(month - (2 ** 31 - 1))
    expect(people.statusOf('ann')).toBeNull()
  })

  it('takes a relayed change only for people it knows, as a whole: a cleared status goes', async () => {
    const people = usePeopleStore()
    people.updated(person('stranger', null))
    expect(people.get('stranger')).toBeNull()
    people.remember(person('ann', null))
    people.updated({ username: 'ann', displayName: 'Ann', avatar: '' })
    expect(people.statusOf('ann')).toBeNull()
    expect(people.nameOf('ann')).toBe('Ann')
  })
})
