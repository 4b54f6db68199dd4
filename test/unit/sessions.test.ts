import { describe, expect, it } from 'vitest'
import { SessionStore } from '../../server/domain/people/sessions.ts'
import { useEmbeddedDatabase } from '../support/embedded-db.ts'

useEmbeddedDatabase()

/** Two instances' stores over one table, on a clock the test moves. */
function instances(options: { cacheMax?: number } = {}) {
  let now = Date.now()
  const clock = { now: () => now, advance: (ms: number) => { now += ms } }
  const make = () => new SessionStore({ maxAgeSeconds: 3600, cacheMs: 5_000, now: clock.now, ...options })
  return { here: make(), there: make(), clock }
}

let counter = 0
const user = () => `unit-user-${counter++}`

describe('the session store', () => {
  it('knows a new session on every instance, only as its own user\'s', async () => {
    const { here, there } = instances()
    const alice = user()
    const id = await here.create(alice)
    expect(id).toMatch(/^[\w-]{22}$/)
    expect(await here.isActive(id, alice)).toBe(true)
    expect(await there.isActive(id, alice)).toBe(true)
    expect(await there.isActive(id, 'someone-else')).toBe(false)
    expect(await there.isActive('no-such-session', alice)).toBe(false)
  })

  it('trusts its cache for a few seconds, then asks the table again', async () => {
    const { here, there, clock } = instances()
    const alice = user()
    const id = await here.create(alice)
    expect(await there.isActive(id, alice)).toBe(true)
    await here.revoke(id)
    // Another instance that was not told keeps its answer until the cache entry expires.
    expect(await there.isActive(id, alice)).toBe(true)
    clock.advance(5_001)
    expect(await there.isActive(id, alice)).toBe(false)
  })

  it('stops trusting a session at once when told it was revoked elsewhere', async () => {
    const { here, there } = instances()
    const alice = user()
    const id = await here.create(alice)
    expect(await there.isActive(id, alice)).toBe(true)
    await here.revoke(id)
    there.forget([id])
    expect(await there.isActive(id, alice)).toBe(false)
  })

  it('never lets a read that was in flight during a revocation bring the session back', async () => {
    const { here, there } = instances()
    const alice = user()
    const id = await here.create(alice)
    const reading = there.isActive(id, alice)
    there.forget([id])
    expect(await reading).toBe(false)
    expect(await there.isActive(id, alice)).toBe(false)
  })

  it('treats a session past its expiry as gone, though the local database never deletes it', async () => {
    const { here, there, clock } = instances()
    const alice = user()
    const id = await here.create(alice)
    clock.advance(3601 * 1000)
    expect(await there.isActive(id, alice)).toBe(false)
  })

  it('keeps a bounded number of sessions in its cache, forgetting the least recently used', async () => {
    const { here, there } = instances({ cacheMax: 2 })
    const alice = user()
    const first = await here.create(alice)
    await there.revoke(first) // `here` still holds its cached answer
    expect(await here.isActive(first, alice)).toBe(true)
    await here.create(alice)
    await here.create(alice)
    // Pushed out by the two newer sessions: read again, and found revoked.
    expect(await here.isActive(first, alice)).toBe(false)
  })

  it('ends every other session of a user and keeps the one asked for', async () => {
    const { here, there } = instances()
    const alice = user()
    const bob = user()
    const kept = await here.create(alice)
    const others = [await here.create(alice), await there.create(alice)]
    const bobs = await here.create(bob)
    expect((await here.revokeOthers(alice, kept)).sort()).toEqual(others.sort())
    expect(await here.isActive(kept, alice)).toBe(true)
    for (const id of others) expect(await here.isActive(id, alice)).toBe(false)
    expect(await here.isActive(bobs, bob)).toBe(true)
    expect(await here.revokeOthers(alice, kept)).toEqual([])
  })
})
