import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import type { WireMessage } from '#shared/types/socket'
import { Client } from '../support/http.ts'
import { startTwoInstances, type TwoInstances } from '../support/cluster.ts'
import { connected as person, guest, uniqueName } from '../support/people.ts'
import { call, closeAll } from '../support/sockets.ts'

let cluster: TwoInstances

beforeAll(async () => {
  cluster = await startTwoInstances()
})
afterEach(() => closeAll())
afterAll(async () => cluster?.stop())

describe('the read marker a room page opens with', () => {
  it('is where the reader marked the room read on the other instance, the same for every tab, and the page renders the "New messages" divider above the first message after it', async () => {
    const [ann, bob] = [await person(cluster.a.url), await person(cluster.b.url)]
    const created = await ann.http.post('/api/rooms', { name: `Unread ${uniqueName()}` })
    const room: string = created.json.room.id
    for (const who of [ann, bob]) expect((await call(who.socket, 'join room', room))[0]).toBeNull()
    const say = async (text: string) => (await call<WireMessage>(bob.socket, 'new message', { room, message: text }))[1].message
    const seen = await say('read this one')
    expect((await call(ann.socket, 'mark read', { room, message: seen }))[0]).toBeNull()
    await say('not read yet')
    await say('nor this')

    await vi.waitFor(async () => expect((await ann.http.get(`/api/rooms/${room}/read-marker`)).json).toEqual({ marker: seen }), { timeout: 5000 })
    const onB = new Client(cluster.b.url)
    onB.cookies = ann.http.cookies
    expect((await onB.get(`/api/rooms/${room}/read-marker`)).json).toEqual({ marker: seen })

    const page = await onB.request(`/rooms/${room}`, { headers: { accept: 'text/html' } })
    expect(page.status).toBe(200)
    const divider = page.text.indexOf('data-testid="unread-divider"')
    expect(divider).toBeGreaterThan(page.text.indexOf('read this one'))
    expect(divider).toBeLessThan(page.text.indexOf('not read yet'))
  })

  it('is null for a guest and for a room never read, and a 404 for a room the reader may not see', async () => {
    const [ann, outsider] = [await person(cluster.a.url), await person(cluster.b.url)]
    const created = await ann.http.post('/api/rooms', { name: `Hidden ${uniqueName()}`, visibility: 'private' })
    const secret: string = created.json.room.id
    const visitor = await guest(cluster.b.url)
    expect((await visitor.http.get('/api/rooms/general/read-marker')).json).toEqual({ marker: null })
    const elsewhere = (await outsider.http.post('/api/rooms', { name: `Open ${uniqueName()}` })).json.room.id
    expect((await ann.http.get(`/api/rooms/${elsewhere}/read-marker`)).json).toEqual({ marker: null })
    const refused = await outsider.http.get(`/api/rooms/${secret}/read-marker`)
    expect([refused.status, refused.json.message]).toEqual([404, `There is no room "${secret}"`])
  })
})
