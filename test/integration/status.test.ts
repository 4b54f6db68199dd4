import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import type { Person as Shown, RoomPresenceEvent } from '#shared/types/chat'
import { startTwoInstances, type TwoInstances } from '../support/cluster.ts'
import { account, connected, guest, roomOf, socketOf, type Person } from '../support/people.ts'
import { closeAll, collect, connect, waitFor } from '../support/sockets.ts'

let cluster: TwoInstances

beforeAll(async () => {
  // Away after one idle second (swept every 250 ms), so that going away takes no minutes here.
  cluster = await startTwoInstances({ env: { AWAY_AFTER_SECONDS: '1' } })
})
afterEach(() => closeAll())
afterAll(async () => cluster?.stop())

const setStatus = (who: Person, body: unknown) => who.http.request('/api/me/status', { method: 'PUT', body })
async function lookUp(who: Person, username: string): Promise<Shown> {
  const [person] = (await who.http.get(`/api/users?names=${username}`)).json.users
  expect(person?.username).toBe(username)
  return person!
}

describe('a status', () => {
  it('set on one instance reaches a signed-in socket on the other and every instance\'s reads, then is gone once it ends', async () => {
    const ann = await account(cluster.a.url, { prefix: 'ann' })
    const bob = await connected(cluster.b.url, { prefix: 'bob' })
    const stranger = await connect(cluster.b.url, { origin: cluster.b.url })
    const strangerHeard = collect(stranger, 'person updated')
    // Bob's instance has Ann's name cached from before: the change must replace it there too.
    expect((await lookUp(bob, ann.username)).status).toBeUndefined()

    const heard = waitFor<Shown>(bob.socket, 'person updated')
    const expiresAt = Date.now() + 3_000
    const response = await setStatus(ann, { emoji: '📅', text: 'In a meeting', expiresAt })
    expect(response.status).toBe(200)
    expect(response.json.user.status).toEqual({ emoji: '📅', text: 'In a meeting', expiresAt })
    expect(await heard).toEqual({ username: ann.username, displayName: ann.username, avatar: expect.any(String), status: { emoji: '📅', text: 'In a meeting', expiresAt } })
    expect((await lookUp(bob, ann.username)).status).toEqual({ emoji: '📅', text: 'In a meeting', expiresAt })

    // Nobody deletes it: every read leaves it out from its end on.
    await vi.waitFor(async () => expect((await lookUp(bob, ann.username)).status).toBeUndefined(), { timeout: 15_000, interval: 250 })
    expect((await lookUp(ann, ann.username)).status).toBeUndefined()
    expect(strangerHeard).toEqual([])
  })

  it('cleared on one instance is cleared for the other\'s sockets, and a display name change travels the same way', async () => {
    const ann = await account(cluster.b.url, { prefix: 'ann' })
    const bob = await connected(cluster.a.url, { prefix: 'bob' })
    // The relay may reach Bob after the change's answer reaches Ann: each is waited for in turn.
    const heard = collect<Shown>(bob.socket, 'person updated')
    const heardCount = async (count: number) => {
      await vi.waitFor(() => expect(heard).toHaveLength(count), { timeout: 5_000, interval: 50 })
      return heard[count - 1]
    }
    expect((await setStatus(ann, { emoji: '🌴', text: 'On holiday', expiresAt: null })).status).toBe(200)
    expect((await heardCount(1))?.status).toEqual({ emoji: '🌴', text: 'On holiday', expiresAt: null })
    expect((await lookUp(bob, ann.username)).status).toEqual({ emoji: '🌴', text: 'On holiday', expiresAt: null })

    const response = await ann.http.request('/api/me/status', { method: 'DELETE' })
    expect(response.status).toBe(200)
    expect(await heardCount(2)).toEqual({ username: ann.username, displayName: ann.username, avatar: expect.any(String) })
    expect((await lookUp(bob, ann.username)).status).toBeUndefined()

    expect((await ann.http.request('/api/me', { method: 'PATCH', body: { displayName: 'Annabel Status' } })).status).toBe(200)
    expect((await heardCount(3))?.displayName).toBe('Annabel Status')
    expect((await lookUp(bob, ann.username)).displayName).toBe('Annabel Status')
  })

  it('is refused to guests (who still hear others\' changes), and refused with a clear error when malformed, already over or too far off', async () => {
    const visitor = await guest(cluster.a.url)
    const visitorSocket = await socketOf(visitor)
    const refused = await setStatus(visitor, { emoji: '📅', text: 'In a meeting', expiresAt: null })
    expect([refused.status, refused.json.message]).toEqual([403, 'Guests cannot set a status. Create an account first.'])
    expect((await visitor.http.request('/api/me/status', { method: 'DELETE' })).status).toBe(403)

    const ann = await account(cluster.a.url, { prefix: 'ann' })
    const heard = waitFor<Shown>(visitorSocket, 'person updated')
    await setStatus(ann, { emoji: '🚌', text: 'Commuting', expiresAt: Date.now() + 60_000 })
    expect((await heard).status?.text).toBe('Commuting')

    const html = await setStatus(ann, { emoji: '📅', text: 'a'.repeat(101), expiresAt: null })
    expect([html.status, html.json.message]).toEqual([400, 'text: Status must be at most 100 characters'])
    const past = await setStatus(ann, { emoji: '📅', text: 'Late', expiresAt: Date.now() - 1000 })
    expect([past.status, past.json.message]).toEqual([400, 'That time has passed: pick a later one, or "Don\'t clear"'])
    const far = await setStatus(ann, { emoji: '📅', text: 'Far', expiresAt: Date.now() + 40 * 86_400_000 })
    expect(far.status).toBe(400)
    expect((await lookUp(ann, ann.username)).status?.text).toBe('Commuting')
  })

  it('counts only changes that happened against the hourly limit: names refused as taken use none of it', async () => {
    const taken = `Taken ${Date.now().toString(36)}`
    const owner = await account(cluster.a.url, { prefix: 'own' })
    expect((await owner.http.request('/api/me', { method: 'PATCH', body: { displayName: taken } })).status).toBe(200)
    const ann = await account(cluster.b.url, { prefix: 'ann' })
    for (let i = 0; i < 31; i++) expect((await ann.http.request('/api/me', { method: 'PATCH', body: { displayName: taken } })).status).toBe(409)
    expect((await setStatus(ann, { emoji: '📅', text: 'In a meeting', expiresAt: null })).status).toBe(200)
  })
})

describe('away', () => {
  it('reaches someone looking at the room on the other instance when a person\'s only tab goes idle, and clears on activity in any tab of theirs; others are not told', async () => {
    const ann = await connected(cluster.a.url, { prefix: 'ann' })
    const bob = await connected(cluster.b.url, { prefix: 'bob' })
    const carl = await connected(cluster.b.url, { prefix: 'carl' })
    const room = await roomOf('Away', ann, bob)
    const lists = collect<RoomPresenceEvent>(bob.socket, 'room members')
    const elsewhere = collect<RoomPresenceEvent>(carl.socket, 'room members')
    const annIn = (list: RoomPresenceEvent) => list.members.find(member => member.username === ann.username)
    const newest = () => lists.filter(list => list.room === room).toSorted((x, y) => y.version - x.version)[0]

    await vi.waitFor(() => expect(newest() && annIn(newest()!)).toEqual({ username: ann.username, avatar: expect.any(String), away: true }), { timeout: 10_000, interval: 100 })
    // Ann opens a tab on the other instance, on no room (opening one is activity): b decides she is
    // back, and a, where she looks at the room, re-announces it.
    await socketOf(ann, cluster.b.url)
    await vi.waitFor(() => expect(newest() && annIn(newest()!)).toEqual({ username: ann.username, avatar: expect.any(String) }), { timeout: 10_000, interval: 100 })
    expect(elsewhere.filter(list => list.room === room)).toEqual([])

    // Idle again, then a report from the tab that looks at the room brings her back.
    await vi.waitFor(() => expect(annIn(newest()!)?.away).toBe(true), { timeout: 10_000, interval: 100 })
    ann.socket.emit('active')
    await vi.waitFor(() => expect(annIn(newest()!)?.away).toBeUndefined(), { timeout: 10_000, interval: 100 })
  })
})
