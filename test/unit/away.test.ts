import { describe, expect, it } from 'vitest'
import { createMemoryPresenceStore, Presence } from '../../server/services/presence.ts'
import { sweepEvery } from '../../server/socket/away.ts'

const ann = { username: 'ann', avatar: '/a/ann.svg' }
const bob = { username: 'bob', avatar: '/a/bob.svg' }

describe('away in presence', () => {
  it('marks someone away once, after the whole period without activity, marks their room lists, and ends it on their next activity', async () => {
    const presence = new Presence(createMemoryPresenceStore)
    await presence.connect(ann)
    await presence.connect(bob)
    await presence.active('ann', 1_000)
    await presence.active('bob', 5_000)
    await presence.view('general', ann)
    await presence.view('general', bob)
    const before = (await presence.viewers('general')).version

    expect(await presence.sweep(10_000, 10_999)).toEqual([])
    expect(await presence.sweep(10_000, 11_001)).toEqual(['ann'])
    expect(await presence.sweep(10_000, 11_002)).toEqual([])
    expect(await presence.awayChanged('ann')).toEqual(['general'])
    const marked = await presence.viewers('general')
    expect(marked.members).toEqual([{ ...ann, away: true }, bob])
    expect(marked.version).toBeGreaterThan(before)

    expect(await presence.active('bob', 12_000)).toBe(false)
    expect(await presence.active('ann', 12_000)).toBe(true)
    expect((await presence.viewers('general')).members).toEqual([ann, bob])
  })

  it('passes a flood of activity on to the store once a period, and still ends someone\'s being away at once', async () => {
    let touches = 0
    const presence = new Presence((local, changed) => {
      const store = createMemoryPresenceStore(local, changed)
      return { ...store, touch: (username, at) => (touches++, store.touch(username, at)) }
    }, { tellEveryMs: 2_500 })
    await presence.connect(ann)
    for (let at = 1_000; at < 3_500; at += 10) await presence.active('ann', at)
    expect(touches).toBe(1)
    expect(await presence.active('ann', 3_500)).toBe(false)
    expect(touches).toBe(2)
    expect(await presence.sweep(10_000, 14_000)).toEqual(['ann'])
    expect(await presence.active('ann', 14_001)).toBe(true)
  })

  it('sweeps a quarter of the period, at least every 0.25 s and at most every 15 s', () => {
    expect([sweepEvery(1_000), sweepEvery(40_000), sweepEvery(600_000), sweepEvery(100)]).toEqual([250, 10_000, 15_000, 250])
  })
})
