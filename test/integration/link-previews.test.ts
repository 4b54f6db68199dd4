import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import type { ChatMessage, LinkPreview } from '#shared/types/chat'
import type { WireChangePage, WireMessage } from '#shared/types/socket'
import { startTwoInstances, type TwoInstances } from '../support/cluster.ts'
import { otherLocalHosts, startLinkPages, type LinkPages } from '../support/link-pages.ts'
import { account, connected as person, uniqueName, type Connected as Person } from '../support/people.ts'
import { call, closeAll, collect } from '../support/sockets.ts'

/** Links one person's messages may have read per hour in these tests. */
const ALLOWANCE = 31
let cluster: TwoInstances
let pages: LinkPages

beforeAll(async () => {
  pages = await startLinkPages()
  // NODE_ENV test: the only way the address filter lets the page server on 127.0.0.1 through
  // (production refuses the setting); every other non-public address stays refused.
  cluster = await startTwoInstances({ bucket: true, env: { NODE_ENV: 'test', LINK_PREVIEWS: 'on', LINK_PREVIEW_TEST_ALLOW_ADDRESSES: '127.0.0.1', LINK_PREVIEW_TIMEOUT_MS: '3000', LINK_PREVIEWS_PER_HOUR: String(ALLOWANCE), MESSAGE_BURST: '100' } })
})
afterEach(() => closeAll())
afterAll(async () => {
  await cluster?.stop()
  await pages?.close()
})

async function send(who: Person, room: string, text: string): Promise<WireMessage> {
  const [err, message] = await call<WireMessage>(who.socket, 'new message', { room, message: text })
  expect(err).toBeNull()
  return message
}

async function newRoom(creator: Person, others: Person[], visibility?: 'private'): Promise<string> {
  const id = uniqueName('links-')
  const response = await creator.http.post('/api/rooms', { id, name: `Links ${id}`, ...(visibility ? { visibility } : {}) })
  expect(response.status).toBe(201)
  for (const other of others) {
    if (visibility) expect((await creator.http.post(`/api/rooms/${id}/members`, { username: other.username })).status).toBe(200)
  }
  for (const who of [creator, ...others]) expect((await call(who.socket, 'join room', id))[0]).toBeNull()
  return id
}

/** The next `message updated` of `id` that satisfies `done`, among those `updates` collected. */
async function updateOf(updates: WireMessage[], id: string, done: (message: WireMessage) => boolean): Promise<WireMessage> {
  return vi.waitFor(() => {
    const found = updates.find(update => update.message === id && done(update))
    if (!found) throw new Error(`no update of ${id} yet (${updates.length} seen)`)
    return found
  }, { timeout: 10_000 })
}

const titles = (message: { previews?: LinkPreview[] }) => (message.previews ?? []).map(preview => preview.title)
const path = (room: string, id: string) => `/api/rooms/${room}/messages/${encodeURIComponent(id)}`

describe('link previews across two instances', () => {
  it('reads a shared link after the acknowledgement, shows its card live on the other instance, after a reload and in the change catch-up', async () => {
    const [ann, bob] = [await person(cluster.a.url), await person(cluster.b.url)]
    const room = await newRoom(ann, [bob], 'private')
    const updates = collect<WireMessage>(bob.socket, 'message updated')
    const link = `${pages.origin}/page?title=${encodeURIComponent(`Live card ${room}`)}`
    const since = Date.now()

    const sent = await send(ann, room, `Have a look: ${link}`)
    expect(sent.previews).toBeUndefined()
    const updated = await updateOf(updates, sent.message, message => Boolean(message.previews))
    expect(updated.previews).toEqual([{ url: link, title: `Live card ${room}`, description: 'What the page is about.', siteName: 'Example Site', image: { id: expect.stringMatching(/^[0-9a-f]{32}$/), width: 600, height: 315 } }])

    // After a reload: the history carries the card.
    const history = (await bob.http.get(`/api/rooms/${room}/messages?limit=10`)).json.messages as ChatMessage[]
    expect(history.find(m => m.id === sent.message)?.previews).toEqual(updated.previews)
    // A tab that was away meanwhile: the change feed names the message, as it is now.
    const [err, changes] = await call<WireChangePage>(bob.socket, 'catch up changes', { room, since })
    expect(err).toBeNull()
    expect(changes.messages.find(m => m.message === sent.message)?.previews).toEqual(updated.previews)

    // The image comes from the app, re-encoded, for members only; an outsider gets the room's 404.
    const image = `${path(room, sent.message)}/link-images/${updated.previews![0]!.image!.id}`
    const shown = await bob.http.get(image)
    expect(shown.status).toBe(200)
    expect(shown.headers.get('content-type')).toBe('image/webp')
    const outsider = await account(cluster.b.url)
    const refused = await outsider.http.get(image)
    const missing = await outsider.http.get(`${path(uniqueName('nothing-'), sent.message)}/link-images/${updated.previews![0]!.image!.id}`)
    expect(refused.status).toBe(404)
    expect(refused.json.message).toBe(missing.json.message.replace(/nothing-[a-z0-9]+/, room))
  })

  it('reads a link shared in several rooms once per instance', async () => {
    const ann = await person(cluster.a.url)
    const [first, second] = [await newRoom(ann, []), await newRoom(ann, [])]
    const updates = collect<WireMessage>(ann.socket, 'message updated')
    const link = `${pages.origin}/page?title=Shared-${first}`
    const one = await send(ann, first, link)
    await updateOf(updates, one.message, message => Boolean(message.previews))
    const two = await send(ann, second, `again ${link}`)
    expect(titles(await updateOf(updates, two.message, message => Boolean(message.previews)))).toEqual([`Shared-${first}`])
    expect(pages.requests.filter(request => request === `/page?title=Shared-${first}`)).toHaveLength(1)
  })

  it('reads a person\'s links up to their hourly allowance, then only what is cached, while others still get cards', async () => {
    const [ann, bob] = [await person(cluster.a.url), await person(cluster.b.url)]
    const room = await newRoom(ann, [bob])
    const updates = collect<WireMessage>(ann.socket, 'message updated')
    const cardsOf = async (who: Person, links: string[]) => {
      const sent = await send(who, room, links.join(' '))
      return titles(await updateOf(updates, sent.message, message => Boolean(message.previews)))
    }
    const links = (n: number) => [0, 1, 2].map(i => `${pages.origin}/page?title=Quota-${room}-${n}-${i}&noimage=1`)
    // Three links a message: ten messages take thirty reads, the eleventh has one read left.
    for (let n = 0; n < 10; n++) expect(await cardsOf(ann, links(n))).toHaveLength(3)
    expect(await cardsOf(ann, links(10))).toHaveLength(1)
    // Past it: a link read before still gets its card (from the cache), a new one does not.
    expect(await cardsOf(ann, [`${pages.origin}/page?title=Quota-${room}-11-0&noimage=1`, links(0)[0]!])).toEqual([`Quota-${room}-0-0`])
    // Someone else's allowance is their own.
    expect(await cardsOf(bob, links(12))).toHaveLength(3)
  })

  it('never reads loopback or private addresses of the machine, directly or through a redirect, while reading the others', async () => {
    const ann = await person(cluster.a.url)
    const room = await newRoom(ann, [])
    const updates = collect<WireMessage>(ann.socket, 'message updated')
    // The page server answers on every one of these: only the filter keeps the instance away.
    const secrets = otherLocalHosts().map(host => `http://${host}:${pages.port}/page?title=secret-${room}`)
    for (const [index, secret] of secrets.entries()) {
      const sent = await send(ann, room, `${secret} ${pages.origin}/redirect?to=${encodeURIComponent(secret)} ${pages.origin}/page?title=After-${index}-${room}`)
      expect(titles(await updateOf(updates, sent.message, message => Boolean(message.previews)))).toEqual([`After-${index}-${room}`])
    }
    expect(pages.requests.filter(request => request.startsWith(`/page?title=secret-${room}`))).toEqual([])
  })

  it('answers a send at once while its links take 30 s or are 50 MB, and hangs up on both', async () => {
    const ann = await person(cluster.a.url)
    const room = await newRoom(ann, [])
    const updates = collect<WireMessage>(ann.socket, 'message updated')
    const sent = await send(ann, room, `${pages.origin}/slow ${pages.origin}/huge`)
    expect(sent.previews).toBeUndefined()
    // The huge page's head makes a card; the instance stopped reading it long before 50 MB.
    expect(titles(await updateOf(updates, sent.message, message => Boolean(message.previews)))).toEqual(['A huge page'])
    expect(await pages.hugeClosed).toBeLessThan(8 * 1024 * 1024)
    await pages.slowClosed
  })

  it('follows an edit to new links, drops the cards with the links, and lets only the author remove a card', async () => {
    const [ann, bob] = [await person(cluster.a.url), await person(cluster.b.url)]
    const room = await newRoom(ann, [bob])
    const updates = collect<WireMessage>(bob.socket, 'message updated')
    const sent = await send(ann, room, `${pages.origin}/page?title=One-${room}&noimage=1`)
    await updateOf(updates, sent.message, message => titles(message)[0] === `One-${room}`)

    expect((await call(ann.socket, 'edit message', { room, message: sent.message, text: `now ${pages.origin}/page?title=Two-${room} and ${pages.origin}/page?title=Three-${room}` }))[0]).toBeNull()
    const edited = await updateOf(updates, sent.message, message => titles(message).join() === `Two-${room},Three-${room}`)

    const [, second] = edited.previews!
    const remove = (who: Person, index: number, url: string) => who.http.request(`${path(room, sent.message)}/previews/${index}?url=${encodeURIComponent(url)}`, { method: 'DELETE' })
    const refused = await remove(bob, 1, second!.url)
    expect(refused.status).toBe(403)
    expect(refused.json.message).toBe('You can only edit your own messages')
    expect((await remove(ann, 0, second!.url)).status).toBe(409)
    const removed = await remove(ann, 1, second!.url)
    expect(removed.status).toBe(200)
    expect(titles(removed.json as unknown as ChatMessage)).toEqual([`Two-${room}`])
    await updateOf(updates, sent.message, message => titles(message).join() === `Two-${room}`)

    expect((await call(ann.socket, 'edit message', { room, message: sent.message, text: 'no links any more' }))[0]).toBeNull()
    await updateOf(updates, sent.message, message => message.content.text === 'no links any more' && !message.previews)
    const history = (await bob.http.get(`/api/rooms/${room}/messages?limit=10`)).json.messages as ChatMessage[]
    expect(history.find(m => m.id === sent.message)?.previews).toBeUndefined()
  })
})
