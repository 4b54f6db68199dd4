import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb'
import type { ChatMessage, ReactionChange, RoomSummary } from '#shared/types/chat'
import type { WireChangePage, WireMessage, WireMessagePage } from '#shared/types/socket'
import { Client } from '../support/http.ts'
import { startTwoInstances, type TwoInstances } from '../support/cluster.ts'
import { connected as person, roomOf, sendAs, type Connected as Person } from '../support/people.ts'
import { call, closeAll, collect, connect, waitFor } from '../support/sockets.ts'

const ADMIN = `boss${Date.now().toString(36)}`
let cluster: TwoInstances

beforeAll(async () => {
  cluster = await startTwoInstances({ env: { MESSAGE_BURST: '500', MESSAGES_PER_SECOND: '500', ADMINS: ADMIN } })
})
afterEach(() => closeAll())
afterAll(async () => cluster?.stop())

const send = sendAs
const newRoom = (creator: Person, ...others: Person[]) => roomOf('Actions', creator, ...others)

const path = (room: string, id?: string) => `/api/rooms/${room}/messages${id ? `/${encodeURIComponent(id)}` : ''}`
const asMessage = (json: unknown) => json as ChatMessage

async function history(who: Person, room: string): Promise<ChatMessage[]> {
  return (await who.http.get(`${path(room)}?limit=100`)).json.messages
}

describe('editing a message', () => {
  it('lets the author edit on one instance, tells the room on the other, and keeps editedAt in history', async () => {
    const [ann, bob] = [await person(cluster.a.url), await person(cluster.b.url)]
    const room = await newRoom(ann, bob)
    const sent = await send(ann, room, 'helo wrld')
    const updates = collect<WireMessage>(bob.socket, 'message updated')

    const [err, edited] = await call<WireMessage>(ann.socket, 'edit message', { room, message: sent.message, text: 'hello world' })
    expect(err).toBeNull()
    expect(edited).toMatchObject({ message: sent.message, content: { text: 'hello world' }, editedAt: expect.any(Number) })
    await vi.waitFor(() => expect(updates.map(u => u.content.text)).toEqual(['hello world']), { timeout: 10_000 })
    const stored = (await history(bob, room)).find(m => m.id === sent.message)!
    expect(stored.content.text).toBe('hello world')
    expect(stored.editedAt).toBe(edited.editedAt)
  })

  it('keeps the sidebar\'s preview on the other instance in step with an edit and a deletion of the newest message', async () => {
    const [ann, bob] = [await person(cluster.a.url), await person(cluster.b.url)]
    const room = await newRoom(ann, bob)
    const sent = await send(ann, room, 'this has a typo teh')
    const latestSeenByBob = async () => ((await bob.http.get('/api/rooms')).json.rooms as RoomSummary[]).find(r => r.id === room)!.latest
    // Bob's instance now holds the room's newest message (its cache lives 10 s).
    expect(await latestSeenByBob()).toEqual({ id: sent.message, username: ann.username, text: 'this has a typo teh' })
    expect((await call(ann.socket, 'edit message', { room, message: sent.message, text: 'this has a typo the' }))[0]).toBeNull()
    await vi.waitFor(async () => expect(await latestSeenByBob()).toMatchObject({ text: 'this has a typo the' }), { timeout: 3000 })
    expect((await call(ann.socket, 'delete message', { room, message: sent.message }))[0]).toBeNull()
    await vi.waitFor(async () => expect(await latestSeenByBob()).toMatchObject({ text: 'message deleted' }), { timeout: 3000 })
  })

  it('refuses to edit someone else\'s message, even for the room\'s creator, and changes nothing', async () => {
    const [ann, bob] = [await person(cluster.a.url), await person(cluster.b.url)]
    const room = await newRoom(ann, bob)
    const sent = await send(bob, room, 'my words')
    expect((await call(ann.socket, 'edit message', { room, message: sent.message, text: 'your words' }))[0]).toBe('You can only edit your own messages')
    const response = await ann.http.request(path(room, sent.message), { method: 'PATCH', body: { text: 'your words' } })
    expect(response.status).toBe(403)
    expect((await history(ann, room)).find(m => m.id === sent.message)!.content.text).toBe('my words')
  })

  it('refuses an edit once the edit window has passed', async () => {
    const ann = await person(cluster.a.url)
    const room = await newRoom(ann)
    const time = Date.now() - 25 * 3_600_000
    const id = `${time}:0123456789abcdef`
    const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: cluster.db.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }))
    await doc.send(new PutCommand({ TableName: 'fargate-chat-messages', Item: { room, message: id, username: ann.username, avatar: '', time, content: { text: 'yesterday' } } }))
    const response = await ann.http.request(path(room, id), { method: 'PATCH', body: { text: 'today' } })
    expect(response.status).toBe(403)
    expect(response.json.message).toBe('Messages can be edited for 24 hours after sending')
  })

  it('answers 404 for a message or room that is not there, 401 without a session and 400 for empty text', async () => {
    const ann = await person(cluster.a.url)
    expect((await ann.http.request(path('general', '1700000000000:0123456789abcdef'), { method: 'PATCH', body: { text: 'x' } })).status).toBe(404)
    expect((await ann.http.request(path('no-such-room-here', '1700000000000:0123456789abcdef'), { method: 'PATCH', body: { text: 'x' } })).json.message).toBe('There is no room "no-such-room-here"')
    expect((await new Client(cluster.a.url).request(path('general', '1700000000000:0123456789abcdef'), { method: 'PATCH', body: { text: 'x' } })).status).toBe(401)
    const sent = await send(ann, 'general', 'fine')
    expect((await ann.http.request(path('general', sent.message), { method: 'PATCH', body: { text: '   ' } })).status).toBe(400)
  })
})

describe('formatting', () => {
  it('gives every message its HTML rendered by the server: the ack, the relay on the other instance, history and an edit', async () => {
    const [ann, bob] = [await person(cluster.a.url), await person(cluster.b.url)]
    const room = await newRoom(ann, bob)
    const relayed = collect<WireMessage>(bob.socket, 'new message')
    const sent = await send(ann, room, '**bold** and `code` :tada: <script>x</script>')
    const html = '<p><strong>bold</strong> and <code>code</code> 🎉 &lt;script&gt;x&lt;/script&gt;</p>'
    expect(sent.html).toBe(html)
    await vi.waitFor(() => expect(relayed.find(m => m.message === sent.message)?.html).toBe(html), { timeout: 10_000 })
    expect((await history(bob, room)).find(m => m.id === sent.message)!.html).toBe(html)
    const [, edited] = await call<WireMessage>(ann.socket, 'edit message', { room, message: sent.message, text: '_now_ in italics' })
    expect(edited.html).toBe('<p><em>now</em> in italics</p>')
    expect((await history(bob, room)).find(m => m.id === sent.message)!.html).toBe('<p><em>now</em> in italics</p>')
  })
})

describe('deleting a message', () => {
  it('turns the author\'s message into a tombstone everywhere: live, history, previews and catch-up', async () => {
    const [ann, bob] = [await person(cluster.a.url), await person(cluster.b.url)]
    const room = await newRoom(ann, bob)
    const sent = await send(ann, room, 'oops, my password is hunter2')
    const deletions = collect<{ room: string, message: string }>(bob.socket, 'message deleted')
    const [err, tombstone] = await call<WireMessage>(ann.socket, 'delete message', { room, message: sent.message })
    expect(err).toBeNull()
    expect(tombstone).toMatchObject({ message: sent.message, deleted: true, content: { text: '' } })
    await vi.waitFor(() => expect(deletions).toEqual([{ room, message: sent.message }]), { timeout: 10_000 })
    const stored = (await history(bob, room)).find(m => m.id === sent.message)!
    expect(stored).toMatchObject({ deleted: true, content: { text: '' } })
    expect(JSON.stringify(await history(bob, room))).not.toContain('hunter2')
    const list = (await ann.http.get('/api/rooms')).json.rooms as RoomSummary[]
    expect(list.find(r => r.id === room)!.preview).toBe(`${ann.username}: message deleted`)
  })

  it('lets the room\'s creator and an admin delete anyone\'s message, and nobody else', async () => {
    const [creator, bob, carol] = [await person(cluster.a.url), await person(cluster.b.url), await person(cluster.a.url)]
    const admin = await person(cluster.b.url, { username: ADMIN })
    const guest = await person(cluster.a.url, { guest: true })
    const room = await newRoom(creator, bob, carol)
    // The pages learn who is an admin, to offer what admins may do.
    expect((await admin.http.get('/api/auth/me')).json.admin).toBe(true)
    expect((await carol.http.get('/api/auth/me')).json.admin).toBeUndefined()
    const [one, two] = [await send(bob, room, 'one'), await send(bob, room, 'two')]
    expect((await call(carol.socket, 'delete message', { room, message: one.message }))[0]).toMatch(/^You can only delete your own messages/)
    expect((await call(guest.socket, 'delete message', { room, message: one.message }))[0]).toMatch(/^You can only delete your own messages/)
    expect((await carol.http.request(path(room, one.message), { method: 'DELETE' })).status).toBe(403)
    expect((await history(carol, room)).find(m => m.id === one.message)!.deleted).toBeUndefined()
    expect((await creator.http.request(path(room, one.message), { method: 'DELETE' })).status).toBe(200)
    expect((await call(admin.socket, 'delete message', { room, message: two.message }))[0]).toBeNull()
    expect((await history(carol, room)).filter(m => m.deleted).map(m => m.id)).toEqual([two.message, one.message])
  })

  it('ends an edit racing a deletion as a tombstone, never with the text back', async () => {
    const ann = await person(cluster.a.url)
    const annOnB = await connect(cluster.b.url, { cookie: ann.http.cookieHeader })
    await waitFor(annOnB, 'login')
    const room = await newRoom(ann)
    for (let round = 0; round < 5; round++) {
      const sent = await send(ann, room, `race ${round}`)
      const [edit, removal] = await Promise.all([
        call(ann.socket, 'edit message', { room, message: sent.message, text: `edited ${round}` }),
        call(annOnB, 'delete message', { room, message: sent.message }),
      ])
      expect(removal[0]).toBeNull()
      expect([null, 'This message was deleted']).toContain(edit[0])
      const stored = (await history(ann, room)).find(m => m.id === sent.message)!
      expect(stored).toMatchObject({ deleted: true, content: { text: '' } })
    }
  })

  it('does not count deleted messages as unread', async () => {
    const [ann, bob] = [await person(cluster.a.url), await person(cluster.b.url)]
    const room = await newRoom(ann, bob)
    await call(bob.socket, 'mark read', { room, message: (await send(bob, room, 'seen')).message })
    const kept = await send(ann, room, 'kept')
    const gone = await send(ann, room, 'gone')
    // Counted (and kept by Bob's instance) before the deletion, which another instance makes.
    await vi.waitFor(async () => {
      const list = (await bob.http.get('/api/rooms')).json.rooms as RoomSummary[]
      expect(list.find(r => r.id === room)!.unread).toBe(2)
    }, { timeout: 20_000, interval: 500 })
    await call(ann.socket, 'delete message', { room, message: gone.message })
    expect(kept.message < gone.message).toBe(true)
    await vi.waitFor(async () => {
      const list = (await bob.http.get('/api/rooms')).json.rooms as RoomSummary[]
      expect(list.find(r => r.id === room)!.unread).toBe(1)
    }, { timeout: 20_000, interval: 500 })
  })
})

describe('replying', () => {
  it('quotes the original from storage (cut to 140 characters) and refuses an original from another room', async () => {
    const [ann, bob] = [await person(cluster.a.url), await person(cluster.b.url)]
    const room = await newRoom(ann, bob)
    const original = await send(ann, room, `${'long '.repeat(60)}end`)
    const arrived = waitFor<WireMessage>(ann.socket, 'new message', 10_000)
    const reply = await send(bob, room, 'agreed', { replyTo: original.message })
    expect(reply.replyTo).toEqual({ id: original.message, username: ann.username, text: `${'long '.repeat(27)}long…` })
    expect(reply.replyTo!.text).toHaveLength(140)
    expect((await arrived).replyTo?.id).toBe(original.message)
    expect((await history(ann, room)).find(m => m.id === reply.message)!.replyTo!.id).toBe(original.message)

    const elsewhere = await send(ann, 'general', 'in general')
    expect((await call(bob.socket, 'new message', { room, message: 'cross', replyTo: elsewhere.message }))[0]).toBe('The message you are replying to is not in this room')
    expect((await history(ann, room)).some(m => m.content.text === 'cross')).toBe(false)
  })

  it('drops the words of a deleted original from every reply\'s quote: history, the page, a linked window, catch-up and search', async () => {
    const [ann, bob] = [await person(cluster.a.url), await person(cluster.b.url)]
    const room = await newRoom(ann, bob)
    const secret = `secretword${Date.now().toString(36)}`
    const original = await send(ann, room, `the door code is ${secret}`)
    // Enough messages between them that the original is not on the reply's page.
    for (let i = 0; i < 3; i++) await send(ann, room, `filler ${i}`)
    const reply = await send(bob, room, 'noted', { replyTo: original.message })
    expect(reply.replyTo!.text).toContain(secret)
    const [err] = await call(ann.socket, 'delete message', { room, message: original.message })
    expect(err).toBeNull()

    const gone = { id: original.message, username: ann.username, text: '', deleted: true }
    const newest = await bob.http.get(`${path(room)}?limit=2`)
    expect(asMessage(newest.json.messages.find((m: ChatMessage) => m.id === reply.message)).replyTo).toEqual(gone)
    expect(newest.text).not.toContain(secret)
    const window = await bob.http.get(`${path(room)}?around=${encodeURIComponent(reply.message)}&limit=3`)
    expect(window.text).not.toContain(secret)
    const [, caughtUp] = await call<WireMessagePage>(bob.socket, 'catch up', { room, after: original.message })
    expect(caughtUp.messages.find(m => m.message === reply.message)!.replyTo).toEqual(gone)
    const page = await bob.http.request(`/rooms/${room}`, { headers: { accept: 'text/html' } })
    expect(page.status).toBe(200)
    expect(page.text).not.toContain(secret)
    await vi.waitFor(async () => {
      const found = await bob.http.get(`/api/search?q=${encodeURIComponent('noted')}`)
      const hit = (found.json.messages as ChatMessage[]).find(m => m.id === reply.message)
      expect(hit?.replyTo).toEqual(gone)
    }, { timeout: 10_000, interval: 250 })
  })
})

describe('reacting', () => {
  it('counts two people reacting with the same emoji at once on two instances, and relays each', async () => {
    const [ann, bob] = [await person(cluster.a.url), await person(cluster.b.url)]
    const room = await newRoom(ann, bob)
    const sent = await send(ann, room, 'react to me')
    const seen = collect<ReactionChange>(ann.socket, 'reaction')
    const results = await Promise.all([
      call<WireMessage>(ann.socket, 'react', { room, message: sent.message, emoji: '🎉', add: true }),
      call<WireMessage>(bob.socket, 'react', { room, message: sent.message, emoji: '🎉', add: true }),
      // A double click: the same reaction twice counts once.
      call<WireMessage>(bob.socket, 'react', { room, message: sent.message, emoji: '🎉', add: true }),
    ])
    expect(results.map(([err]) => err)).toEqual([null, null, null])
    expect((await history(ann, room)).find(m => m.id === sent.message)!.reactions).toEqual({ '🎉': [ann.username, bob.username].sort() })
    await vi.waitFor(() => expect(seen.filter(c => c.username === bob.username && c.added)).toHaveLength(2), { timeout: 10_000 })

    const [, after] = await call<WireMessage>(bob.socket, 'react', { room, message: sent.message, emoji: '🎉', add: false })
    expect(after.reactions).toEqual({ '🎉': [ann.username] })
  })

  it('spells one emoji one way, refuses unknown emoji and a 21st distinct reaction', async () => {
    const ann = await person(cluster.a.url)
    const room = await newRoom(ann)
    const sent = await send(ann, room, 'so many')
    const [, heart] = await call<WireMessage>(ann.socket, 'react', { room, message: sent.message, emoji: '\u2764', add: true })
    expect(Object.keys(heart.reactions!)).toEqual(['❤️'])
    expect((await call(ann.socket, 'react', { room, message: sent.message, emoji: 'abc', add: true }))[0]).toBe('Reactions are single emoji such as 👍')
    expect((await call(ann.socket, 'react', { room, message: sent.message, emoji: '\u{1F3FB}', add: true }))[0]).toMatch(/is not an emoji this chat knows/)
    const more = ['😀', '😁', '😂', '🤣', '😃', '😄', '😅', '😆', '😉', '😊', '😋', '😎', '😍', '😘', '🥰', '😗', '😙', '😚', '🙂']
    for (const emoji of more) expect((await ann.http.request(`${path(room, sent.message)}/reactions/${encodeURIComponent(emoji)}`, { method: 'PUT' })).status).toBe(200)
    const refused = await ann.http.request(`${path(room, sent.message)}/reactions/${encodeURIComponent('🤗')}`, { method: 'PUT' })
    expect(refused.status).toBe(409)
    expect(refused.json.message).toBe('A message can carry at most 20 different reactions')
    // An emoji already there still takes more people.
    expect((await call(ann.socket, 'react', { room, message: sent.message, emoji: '😀', add: true }))[0]).toBeNull()
    const removed = await ann.http.request(`${path(room, sent.message)}/reactions/${encodeURIComponent('😀')}`, { method: 'DELETE' })
    expect(Object.keys(asMessage(removed.json).reactions!)).toHaveLength(19)
  })

  it('refuses reactions to a deleted message', async () => {
    const ann = await person(cluster.a.url)
    const room = await newRoom(ann)
    const sent = await send(ann, room, 'soon gone')
    await call(ann.socket, 'delete message', { room, message: sent.message })
    expect((await call(ann.socket, 'react', { room, message: sent.message, emoji: '👍', add: true }))[0]).toBe('This message was deleted')
  })
})

describe('the HTTP message routes', () => {
  it('send, edit, react and delete with the same checks, each relayed live to the other instance', async () => {
    const [ann, bob] = [await person(cluster.a.url), await person(cluster.b.url)]
    const room = await newRoom(ann, bob)
    const arrived = waitFor<WireMessage>(bob.socket, 'new message', 10_000)
    const posted = await ann.http.post(path(room), { text: 'from a script', clientId: 'script-0001' })
    expect(posted.status).toBe(201)
    const message = asMessage(posted.json)
    expect(message).toMatchObject({ room, username: ann.username, content: { text: 'from a script' } })
    expect((await arrived).message).toBe(message.id)
    // A retry with the same clientId is the same message.
    expect(asMessage((await ann.http.post(path(room), { text: 'from a script', clientId: 'script-0001' })).json).id).toBe(message.id)

    const updated = waitFor<WireMessage>(bob.socket, 'message updated', 10_000)
    expect(asMessage((await ann.http.request(path(room, message.id), { method: 'PATCH', body: { text: 'edited by script' } })).json).editedAt).toEqual(expect.any(Number))
    expect((await updated).content.text).toBe('edited by script')

    const reacted = waitFor<ReactionChange>(bob.socket, 'reaction', 10_000)
    expect((await ann.http.request(`${path(room, message.id)}/reactions/${encodeURIComponent('👍')}`, { method: 'PUT' })).status).toBe(200)
    expect(await reacted).toEqual({ room, message: message.id, emoji: '👍', username: ann.username, added: true })

    const deleted = waitFor(bob.socket, 'message deleted', 10_000)
    expect((await ann.http.request(path(room, message.id), { method: 'DELETE' })).status).toBe(200)
    expect(await deleted).toEqual({ room, message: message.id })

    const reply = await ann.http.post(path(room), { text: 'to nothing', replyTo: message.id })
    expect(reply.status).toBe(404)
    expect((await ann.http.post(path(room), { text: 'x', extra: true })).status).toBe(400)
  })
})

describe('catching up on changes after a reconnect', () => {
  it('gives a client that was away every message edited, deleted or reacted to meanwhile, as it is now', async () => {
    const [ann, bob] = [await person(cluster.a.url), await person(cluster.b.url)]
    const room = await newRoom(ann, bob)
    const [one, two, three, untouched] = [await send(ann, room, 'one'), await send(ann, room, 'two'), await send(ann, room, 'three'), await send(ann, room, 'four')]
    const [, synced] = await call<WireChangePage>(bob.socket, 'catch up changes', { room, since: Date.now() })
    bob.socket.disconnect()

    await call(ann.socket, 'edit message', { room, message: one.message, text: 'one, edited' })
    await call(ann.socket, 'delete message', { room, message: two.message })
    await call(ann.socket, 'react', { room, message: three.message, emoji: '👀', add: true })

    const back = await connect(cluster.b.url, { cookie: bob.http.cookieHeader })
    await waitFor(back, 'login')
    const changed: WireMessage[] = []
    let until: number
    let after: string | undefined
    do {
      const [err, page] = await call<WireChangePage>(back, 'catch up changes', { room, since: synced.until, ...(after ? { after } : {}) })
      expect(err).toBeNull()
      changed.push(...page.messages)
      until = page.until
      after = page.next ?? undefined
    } while (after)
    const byId = new Map(changed.map(m => [m.message, m]))
    expect(byId.get(one.message)).toMatchObject({ content: { text: 'one, edited' }, editedAt: expect.any(Number) })
    expect(byId.get(two.message)).toMatchObject({ deleted: true, content: { text: '' } })
    expect(byId.get(three.message)!.reactions).toEqual({ '👀': [ann.username] })
    expect(byId.has(untouched.message)).toBe(false)
    expect(until).toBeGreaterThanOrEqual(synced.until)

    const [err, history] = await call<WireMessagePage>(back, 'catch up', { room, after: untouched.message })
    expect(err).toBeNull()
    expect(history.messages).toEqual([])
  })

  it('refuses a catch-up for a room the reader cannot see and a malformed since', async () => {
    const ann = await person(cluster.a.url)
    expect((await call(ann.socket, 'catch up changes', { room: 'no-such-room-here', since: 0 }))[0]).toBe('There is no room "no-such-room-here"')
    expect((await call(ann.socket, 'catch up changes', { room: 'general', since: 'yesterday' }))[0]).toBe('Must pass a parameter `since` which is a time in ms')
  })
})
