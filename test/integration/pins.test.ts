import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import type { ChatMessage } from '#shared/types/chat'
import type { WireChangePage, WireMessage } from '#shared/types/socket'
import { startTwoInstances, type TwoInstances } from '../support/cluster.ts'
import { connected as person, guest, uniqueName, type Connected as Person } from '../support/people.ts'
import { call, closeAll, collect, connect, waitFor } from '../support/sockets.ts'

let cluster: TwoInstances

beforeAll(async () => {
  cluster = await startTwoInstances({ env: { MESSAGE_BURST: '500', MESSAGES_PER_SECOND: '500' } })
})
afterEach(() => closeAll())
afterAll(async () => cluster?.stop())

async function send(who: Person, room: string, text: string): Promise<string> {
  const [err, message] = await call<WireMessage>(who.socket, 'new message', { room, message: text })
  expect(err).toBeNull()
  return message.message
}

async function newRoom(creator: Person, others: Person[] = [], visibility: 'public' | 'private' = 'public'): Promise<string> {
  const response = await creator.http.post('/api/rooms', { name: `Pins ${uniqueName()}`, visibility })
  expect(response.status).toBe(201)
  const room: string = response.json.room.id
  for (const other of others) {
    if (visibility === 'private') expect((await creator.http.post(`/api/rooms/${room}/members`, { username: other.username })).status).toBeLessThan(300)
  }
  for (const who of [creator, ...others]) expect((await call(who.socket, 'join room', room))[0]).toBeNull()
  return room
}

const pinPath = (room: string, id: string) => `/api/rooms/${room}/pins/${encodeURIComponent(id)}`
const pin = (who: Pick<Person, 'http'>, room: string, id: string) => who.http.request(pinPath(room, id), { method: 'PUT' })
const unpin = (who: Pick<Person, 'http'>, room: string, id: string) => who.http.request(pinPath(room, id), { method: 'DELETE' })
/** A pin's answer: the message as it is now. */
const pinOf = (json: unknown) => (json as ChatMessage).pinned
const pinned = async (who: Person, room: string) => ((await who.http.get(`/api/rooms/${room}/pins`)).json.messages as ChatMessage[])

describe('pinning messages', () => {
  it('shows a pin made on one instance live on the other as an updated message, in the room\'s pins and in its history, and an unpin the same way', async () => {
    const [ann, bob] = [await person(cluster.a.url), await person(cluster.b.url)]
    const room = await newRoom(ann, [bob])
    const id = await send(bob, room, 'the deploy checklist is at /docs/deploy')
    const updates = collect<WireMessage>(bob.socket, 'message updated')

    const response = await pin(ann, room, id)
    expect(response.status).toBe(200)
    expect(response.json).toMatchObject({ id, pinned: { by: ann.username, at: expect.any(Number) } })
    await vi.waitFor(() => expect(updates.map(u => [u.message, u.pinned?.by])).toEqual([[id, ann.username]]), { timeout: 10_000 })
    expect((await pinned(bob, room)).map(m => [m.id, m.content.text, m.pinned?.by])).toEqual([[id, 'the deploy checklist is at /docs/deploy', ann.username]])
    const history = (await bob.http.get(`/api/rooms/${room}/messages`)).json.messages as ChatMessage[]
    expect(history.find(m => m.id === id)?.pinned).toEqual(pinOf(response.json))

    // Pinning again changes nothing: the first pinner stays.
    expect(pinOf((await pin(bob, room, id)).json)).toEqual(pinOf(response.json))

    expect((await unpin(bob, room, id)).status).toBe(200)
    await vi.waitFor(() => expect(updates.at(-1)).toMatchObject({ message: id }), { timeout: 10_000 })
    expect(updates.at(-1)!.pinned).toBeUndefined()
    expect(await pinned(ann, room)).toEqual([])
    // Unpinning what is not pinned changes nothing either.
    expect((await unpin(ann, room, id)).status).toBe(200)
  })

  it('lists the most recently pinned first, and drops a pinned message that is deleted', async () => {
    const ann = await person(cluster.a.url)
    const room = await newRoom(ann)
    const first = await send(ann, room, 'first')
    const second = await send(ann, room, 'second')
    expect((await pin(ann, room, first)).status).toBe(200)
    expect((await pin(ann, room, second)).status).toBe(200)
    expect((await pinned(ann, room)).map(m => m.content.text)).toEqual(['second', 'first'])
    expect((await call(ann.socket, 'delete message', { room, message: second }))[0]).toBeNull()
    expect((await pinned(ann, room)).map(m => m.content.text)).toEqual(['first'])
    // A deleted message cannot be pinned again, and an id that is not there answers 404.
    expect((await pin(ann, room, second)).status).toBe(409)
    expect((await pin(ann, room, '0000000000001:0000000000000000')).status).toBe(404)
    expect((await pinned(ann, room)).map(m => m.content.text)).toEqual(['first'])
  })

  it('holds a room to 100 pins however many people pin at once on both instances', async () => {
    const [ann, bob] = [await person(cluster.a.url), await person(cluster.b.url)]
    const room = await newRoom(ann, [bob])
    const ids: string[] = []
    for (let i = 0; i < 104; i++) ids.push(await send(i % 2 ? bob : ann, room, `note ${i}`))
    const answers = await Promise.all(ids.map((id, i) => pin(i % 2 ? bob : ann, room, id)))
    expect(answers.filter(a => a.status === 200)).toHaveLength(100)
    const refused = answers.filter(a => a.status !== 200)
    expect(refused.map(a => [a.status, a.json.message])).toEqual(Array.from({ length: 4 }, () => [409, 'A room can have at most 100 pinned messages: unpin one first']))
    expect(await pinned(bob, room)).toHaveLength(100)
    // One unpinned makes room for one more.
    const kept = (await pinned(ann, room))[0]!.id
    const waiting = ids.find((_, i) => answers[i]!.status !== 200)!
    expect((await unpin(ann, room, kept)).status).toBe(200)
    expect((await pin(ann, room, waiting)).status).toBe(200)
    expect((await pin(ann, room, kept)).status).toBe(409)
  })

  it('gives a client that was away the pin through catch-up, as the message is now', async () => {
    const [ann, bob] = [await person(cluster.a.url), await person(cluster.b.url)]
    const room = await newRoom(ann, [bob])
    const id = await send(ann, room, 'pin me while Bob is away')
    const [, synced] = await call<WireChangePage>(bob.socket, 'catch up changes', { room, since: Date.now() })
    bob.socket.disconnect()

    expect((await pin(ann, room, id)).status).toBe(200)

    const back = await connect(cluster.b.url, { cookie: bob.http.cookieHeader })
    await waitFor(back, 'login')
    const [err, page] = await call<WireChangePage>(back, 'catch up changes', { room, since: synced.until })
    expect(err).toBeNull()
    expect(page.messages.find(m => m.message === id)?.pinned?.by).toBe(ann.username)
  })

  it('answers an outsider of a private room 404 on every pin path, lets a guest read the pins of a public room but not pin, and refuses an archived room', async () => {
    const [ann, bob, outsider] = [await person(cluster.a.url), await person(cluster.b.url), await person(cluster.b.url)]
    const secret = await newRoom(ann, [bob], 'private')
    const id = await send(ann, secret, 'secret plans')
    expect((await pin(bob, secret, id)).status).toBe(200)
    for (const answer of [await outsider.http.get(`/api/rooms/${secret}/pins`), await pin(outsider, secret, id), await unpin(outsider, secret, id)]) {
      expect([answer.status, answer.json.message]).toEqual([404, `There is no room "${secret}"`])
      expect(answer.text).not.toContain('secret plans')
    }
    expect(await pinned(ann, secret)).toHaveLength(1)

    const open = await newRoom(ann)
    const note = await send(ann, open, 'pinned for everyone')
    expect((await pin(ann, open, note)).status).toBe(200)
    const visitor = await guest(cluster.b.url)
    expect((await visitor.http.get(`/api/rooms/${open}/pins`)).json.messages.map((m: ChatMessage) => m.id)).toEqual([note])
    const refused = await unpin(visitor, open, note)
    expect([refused.status, refused.json.message]).toEqual([403, 'Guests cannot pin messages. Create an account first.'])

    expect((await ann.http.request(`/api/rooms/${open}`, { method: 'PATCH', body: { archived: true } })).status).toBe(200)
    expect((await unpin(ann, open, note)).status).toBe(403)
    expect(await pinned(ann, open)).toHaveLength(1)
  })
})
