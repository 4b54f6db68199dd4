import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import type { ChatMessage, FollowedThread, ReactionChange, RoomSummary, ThreadActivity, ThreadPage, ThreadSummary } from '#shared/types/chat'
import type { SearchPage } from '#shared/types/search'
import type { WireChangePage, WireMessage } from '#shared/types/socket'
import { png, upload } from '../support/uploads.ts'
import { startTwoInstances, type TwoInstances } from '../support/cluster.ts'
import { connected as person, roomOf, sendAs, socketOf, uniqueName, type Connected as Person } from '../support/people.ts'
import { barrier, call, closeAll, collect, waitFor } from '../support/sockets.ts'

let cluster: TwoInstances

beforeAll(async () => {
  cluster = await startTwoInstances({ env: { MESSAGE_BURST: '500', MESSAGES_PER_SECOND: '500' }, bucket: true })
})
afterEach(() => closeAll())
afterAll(async () => cluster?.stop())

const send = sendAs
const newRoom = (creator: Person, ...others: Person[]) => roomOf('Threads', creator, ...others)

const threadPath = (room: string, id: string) => `/api/rooms/${room}/messages/${encodeURIComponent(id)}/thread`
const thread = async (who: Person, room: string, id: string, query = ''): Promise<ThreadPage> => (await who.http.get(`${threadPath(room, id)}${query}`)).json
const texts = (messages: { content: { text: string } }[]) => messages.map(m => m.content.text)

describe('a thread across two instances', () => {
  it('brings a reply sent on one instance to the panel and the parent\'s summary on the other, and keeps it out of the room\'s stream', async () => {
    const [ann, bob] = [await person(cluster.a.url), await person(cluster.b.url)]
    const room = await newRoom(ann, bob)
    const parentHeard = waitFor(bob.socket, 'new message')
    const parent = await send(ann, room, 'shall we ship friday?')
    await parentHeard
    const replies = collect<WireMessage>(bob.socket, 'thread reply')
    const roomMessages = collect<WireMessage>(bob.socket, 'new message')
    const summaries = collect<ThreadSummary>(bob.socket, 'thread updated')

    const reply = await send(ann, room, 'I think so', { thread: parent.message })
    expect(reply).toMatchObject({ thread: parent.message, room })
    await vi.waitFor(() => expect(replies.map(r => r.message)).toEqual([reply.message]), { timeout: 10_000 })
    await vi.waitFor(() => expect(summaries).toEqual([{ room, id: parent.message, threadCount: 1, threadLastAt: reply.time, threadPeople: [ann.username] }]), { timeout: 10_000 })
    // "Also send to #room": in the thread, and in the room's stream as a room message.
    const both = await send(ann, room, 'friday it is', { thread: parent.message, alsoToRoom: true })
    await vi.waitFor(() => expect(summaries.at(-1)).toEqual({ room, id: parent.message, threadCount: 2, threadLastAt: both.time, threadPeople: [ann.username] }), { timeout: 10_000 })
    await barrier(bob.socket)
    expect(roomMessages.map(m => [m.message, m.thread, m.alsoToRoom])).toEqual([[both.message, parent.message, true]])
    expect(replies.map(r => r.message)).toEqual([reply.message])

    const page = await thread(bob, room, parent.message)
    expect(page.parent).toMatchObject({ id: parent.message, threadCount: 2, threadPeople: [ann.username] })
    expect(texts(page.messages)).toEqual(['I think so', 'friday it is'])
    expect(page.next).toBeNull()
    const history: ChatMessage[] = (await bob.http.get(`/api/rooms/${room}/messages`)).json.messages
    expect(texts(history)).toEqual(['friday it is', 'shall we ship friday?'])
    // Paging: one at a time, oldest first, with a cursor.
    const first = await thread(bob, room, parent.message, '?limit=1')
    expect(texts(first.messages)).toEqual(['I think so'])
    expect(texts((await thread(bob, room, parent.message, `?limit=1&after=${encodeURIComponent(first.next!)}`)).messages)).toEqual(['friday it is'])
  })

  it('leaves replies out of the room\'s preview and unread count, and pages history past a run of replies', async () => {
    const [ann, bob] = [await person(cluster.a.url), await person(cluster.b.url)]
    const room = await newRoom(ann, bob)
    const parent = await send(ann, room, 'the room\'s own words')
    expect((await call(bob.socket, 'mark read', { room, message: parent.message }))[0]).toBeNull()
    for (let i = 0; i < 25; i++) await send(ann, room, `side note ${i}`, { thread: parent.message })
    const listed = ((await bob.http.get('/api/rooms')).json.rooms as RoomSummary[]).find(r => r.id === room)!
    expect(listed.latest).toMatchObject({ id: parent.message, text: 'the room\'s own words' })
    expect(listed.unread).toBe(0)
    const page = (await bob.http.get(`/api/rooms/${room}/messages?limit=5`)).json
    expect(texts(page.messages)).toEqual(['the room\'s own words'])
    // Catching up after the parent finds no room message, whatever number of replies lie between.
    const caughtUp = (await bob.http.get(`/api/rooms/${room}/messages?after=${encodeURIComponent(parent.message)}&limit=5`)).json
    expect(caughtUp.messages).toEqual([])
  })

  it('changes a busy thread\'s summary a few times a second, the replies in between counted together', async () => {
    const ann = await person(cluster.a.url)
    const room = await newRoom(ann)
    const parent = await send(ann, room, 'a busy thread')
    const summaries = collect<ThreadSummary>(ann.socket, 'thread updated')
    const started = Date.now()
    for (let i = 0; i < 20; i++) await send(ann, room, `quick ${i}`, { thread: parent.message })
    const elapsed = Date.now() - started
    await vi.waitFor(() => expect(summaries.at(-1)?.threadCount).toBe(20), { timeout: 10_000 })
    // The first reply's change goes at once, the next ones at least a quarter second apart.
    expect(summaries.length).toBeLessThanOrEqual(Math.floor(elapsed / 250) + 2)
  })

  it('keeps the summary right under concurrent replies on both instances, deletions and edits', async () => {
    const [ann, bob] = [await person(cluster.a.url), await person(cluster.b.url)]
    const room = await newRoom(ann, bob)
    const parent = await send(ann, room, 'count us')
    const summaries = collect<ThreadSummary>(ann.socket, 'thread updated')
    const sent = await Promise.all(Array.from({ length: 12 }, (_, i) => send(i % 2 ? bob : ann, room, `reply ${i}`, { thread: parent.message })))
    // Replies stored together may be counted in one change: the count reaches 12, never more.
    await vi.waitFor(() => expect(Math.max(...summaries.map(s => s.threadCount))).toBe(12), { timeout: 15_000 })
    expect((await thread(bob, room, parent.message)).parent.threadCount).toBe(12)

    // An edit changes no count; deleting a reply counts one fewer and names the repliers left.
    const bobs = sent.filter(m => m.username === bob.username)
    expect((await call(bob.socket, 'edit message', { room, message: bobs[0]!.message, text: 'reply edited' }))[0]).toBeNull()
    for (const reply of bobs) expect((await call(bob.socket, 'delete message', { room, message: reply.message }))[0]).toBeNull()
    await vi.waitFor(() => expect(summaries.at(-1)).toMatchObject({ threadCount: 6, threadPeople: [ann.username] }), { timeout: 10_000 })
    const page = await thread(ann, room, parent.message)
    expect(page.parent).toMatchObject({ threadCount: 6, threadPeople: [ann.username] })
    expect(page.messages.filter(m => m.deleted)).toHaveLength(6)
    expect(summaries.at(-1)!.threadLastAt).toBe(Math.max(...sent.filter(m => m.username === ann.username).map(m => m.time)))

    // A deleted parent keeps its thread under the tombstone.
    expect((await call(ann.socket, 'delete message', { room, message: parent.message }))[0]).toBeNull()
    const kept = await thread(bob, room, parent.message)
    expect(kept.parent).toMatchObject({ deleted: true, threadCount: 6 })
    expect(kept.messages).toHaveLength(12)
  })

  it('brings replies and summaries missed while disconnected on reconnect', async () => {
    const [ann, bob] = [await person(cluster.a.url), await person(cluster.b.url)]
    const room = await newRoom(ann, bob)
    const parent = await send(ann, room, 'before the tunnel')
    const held = await send(ann, room, 'reply one', { thread: parent.message })
    const since = Date.now()
    bob.socket.disconnect()
    const missed = [await send(ann, room, 'reply two', { thread: parent.message }), await send(ann, room, 'reply three', { thread: parent.message })]
    await vi.waitFor(async () => expect((await thread(ann, room, parent.message)).parent.threadCount).toBe(3), { timeout: 10_000 })

    const socket = await socketOf(bob, cluster.b.url)
    const [err, changes] = await call<WireChangePage>(socket, 'catch up changes', { room, since })
    expect(err).toBeNull()
    expect(changes.messages.find(m => m.message === parent.message)).toMatchObject({ threadCount: 3, threadLastAt: missed[1]!.time })
    const caughtUp = await thread(bob, room, parent.message, `?after=${encodeURIComponent(held.message)}`)
    expect(caughtUp.messages.map(m => m.id)).toEqual(missed.map(m => m.message))
  })

  it('opens a link to a reply on its parent, with the thread named', async () => {
    const [ann] = [await person(cluster.a.url)]
    const room = await newRoom(ann)
    const parent = await send(ann, room, 'linked parent')
    const reply = await send(ann, room, 'linked reply', { thread: parent.message })
    const around = (await ann.http.get(`/api/rooms/${room}/messages?around=${encodeURIComponent(reply.message)}`)).json
    expect(around.thread).toBe(parent.message)
    expect(texts(around.messages)).toEqual(['linked parent'])
  })
})

describe('a reply is a message like any other', () => {
  it('takes reactions, edits and files, and search finds it with its thread', async () => {
    const [ann, bob] = [await person(cluster.a.url), await person(cluster.b.url)]
    const room = await newRoom(ann, bob)
    const parent = await send(ann, room, 'the plan')
    const word = `zebra${uniqueName('w')}`
    const file = await upload(ann.http, room, { name: 'plan.png', type: 'image/png', bytes: await png() })
    const reply = await send(ann, room, `a ${word} detail`, { thread: parent.message, attachments: [file] })
    expect(reply.attachments?.map(a => a.name)).toEqual(['plan.png'])
    expect((await ann.http.request(`/api/rooms/${room}/files/${file}`)).status).toBe(302)

    const reactions = collect<ReactionChange>(bob.socket, 'reaction')
    expect((await call(bob.socket, 'react', { room, message: reply.message, emoji: '👍', add: true }))[0]).toBeNull()
    await vi.waitFor(() => expect(reactions).toEqual([{ room, message: reply.message, emoji: '👍', username: bob.username, added: true }]), { timeout: 10_000 })
    const updates = collect<WireMessage>(bob.socket, 'message updated')
    expect((await call(ann.socket, 'edit message', { room, message: reply.message, text: `a ${word} detail, edited` }))[0]).toBeNull()
    await vi.waitFor(() => expect(updates.map(u => [u.message, u.thread, u.content.text])).toEqual([[reply.message, parent.message, `a ${word} detail, edited`]]), { timeout: 10_000 })
    const [stored] = (await thread(bob, room, parent.message)).messages
    expect(stored).toMatchObject({ reactions: { '👍': [bob.username] }, editedAt: expect.any(Number), attachments: [expect.objectContaining({ name: 'plan.png' })] })

    await expect.poll(async () => ((await bob.http.get(`/api/search?q=${word}`)).json as unknown as SearchPage).messages.map(m => [m.id, m.thread]), { timeout: 15_000, interval: 100 })
      .toEqual([[reply.message, parent.message]])
  })
})

describe('refusals', () => {
  it('refuses replies to a reply, to a missing, deleted or other room\'s message, and stores a retried reply once', async () => {
    const [ann, bob] = [await person(cluster.a.url), await person(cluster.b.url)]
    const [room, other] = [await newRoom(ann, bob), await newRoom(ann)]
    const parent = await send(ann, room, 'parent')
    const reply = await send(ann, room, 'reply', { thread: parent.message })
    const elsewhere = await send(ann, other, 'in another room')
    const gone = await send(ann, room, 'soon gone')
    expect((await call(ann.socket, 'delete message', { room, message: gone.message }))[0]).toBeNull()
    const refuse = async (threadId: string, status: number) => {
      const [err] = await call(bob.socket, 'new message', { room, message: 'no', thread: threadId })
      expect(err).toBeTruthy()
      expect((await bob.http.post(`/api/rooms/${room}/messages`, { text: 'no', thread: threadId })).status).toBe(status)
    }
    await refuse(reply.message, 409)
    await refuse(elsewhere.message, 404)
    await refuse(gone.message, 404)
    await refuse('9999999999999:0000000000000000', 404)
    // A parent replied to on Bob's instance, then deleted on Ann's: the next reply is refused at once.
    const replied = await send(ann, room, 'replied, then deleted')
    await send(bob, room, 'first reply', { thread: replied.message })
    expect((await call(ann.socket, 'delete message', { room, message: replied.message }))[0]).toBeNull()
    await refuse(replied.message, 404)
    expect((await call(bob.socket, 'new message', { room, message: 'no', alsoToRoom: true }))[0]).toBe('alsoToRoom goes with thread')
    // The thread endpoint: a reply has no thread, a missing message is a 404.
    expect((await bob.http.get(threadPath(room, reply.message))).status).toBe(404)
    expect((await bob.http.get(threadPath(room, '9999999999999:0000000000000000'))).status).toBe(404)

    const summaries = collect<ThreadSummary>(ann.socket, 'thread updated')
    const retry = { thread: parent.message, clientId: `retry-${uniqueName()}` }
    const [first, second] = [await send(bob, room, 'once', retry), await send(bob, room, 'once', retry)]
    expect(second.message).toBe(first.message)
    await vi.waitFor(() => expect(summaries.at(-1)?.threadCount).toBe(2), { timeout: 10_000 })
    expect(texts((await thread(ann, room, parent.message)).messages)).toEqual(['reply', 'once'])
    expect((await thread(ann, room, parent.message)).parent.threadCount).toBe(2)
  })
})

describe('following threads', () => {
  it('follows the parent\'s author, repliers and the mentioned, counts unread per follower, and lets people read and unfollow', async () => {
    const [ann, bob, cat] = [await person(cluster.a.url), await person(cluster.b.url), await person(cluster.b.url)]
    const room = await newRoom(ann, bob, cat)
    const parent = await send(ann, room, 'a question')
    const annHears = collect<ThreadActivity>(ann.socket, 'thread activity')
    const catHears = collect<ThreadActivity>(cat.socket, 'thread activity')
    await send(bob, room, `an answer, @${cat.username} knows more`, { thread: parent.message })
    await vi.waitFor(() => expect(annHears.at(-1)).toMatchObject({ room, id: parent.message, unread: 1, from: bob.username }), { timeout: 10_000 })
    await vi.waitFor(() => expect(catHears.at(-1)).toMatchObject({ unread: 1 }), { timeout: 10_000 })
    await send(bob, room, 'and another', { thread: parent.message })
    await vi.waitFor(() => expect(annHears.at(-1)).toMatchObject({ unread: 2 }), { timeout: 10_000 })

    const followed = async (who: Person): Promise<FollowedThread[]> => (await who.http.get('/api/threads')).json.threads
    await vi.waitFor(async () => expect((await followed(ann)).map(t => [t.parent.id, t.unread])).toEqual([[parent.message, 2]]), { timeout: 10_000 })
    await vi.waitFor(async () => expect((await followed(bob)).map(t => t.unread)).toEqual([0]), { timeout: 10_000 })
    expect((await thread(ann, room, parent.message)).following).toBe(true)

    // Reading it clears the count on every tab of the reader.
    const read = waitFor<ThreadActivity>(ann.socket, 'thread activity')
    expect((await ann.http.post(`${threadPath(room, parent.message)}/read`, {})).status).toBe(204)
    expect(await read).toEqual({ room, id: parent.message, unread: 0 })
    await vi.waitFor(async () => expect((await followed(ann)).map(t => t.unread)).toEqual([0]), { timeout: 10_000 })

    // Unfollowing by hand: no more activity, not listed, until they reply again.
    expect((await cat.http.request(`/api/rooms/${room}/messages/${encodeURIComponent(parent.message)}/follow`, { method: 'DELETE' })).status).toBe(200)
    const heardBefore = catHears.length
    const annNext = waitFor<ThreadActivity>(ann.socket, 'thread activity')
    await send(bob, room, 'third', { thread: parent.message })
    await annNext
    await barrier(cat.socket)
    expect(catHears).toHaveLength(heardBefore)
    await vi.waitFor(async () => expect(await followed(cat)).toEqual([]), { timeout: 10_000 })
  })

  it('lowers the unread count of the followers who had not read a deleted reply, and only theirs', async () => {
    const [ann, bob, cat] = [await person(cluster.a.url), await person(cluster.b.url), await person(cluster.b.url)]
    const room = await newRoom(ann, bob, cat)
    const parent = await send(ann, room, 'who reads what')
    const annHears = collect<ThreadActivity>(ann.socket, 'thread activity')
    const catHears = collect<ThreadActivity>(cat.socket, 'thread activity')
    const first = await send(bob, room, 'read by ann', { thread: parent.message })
    await vi.waitFor(() => expect(annHears.at(-1)).toMatchObject({ unread: 1 }), { timeout: 10_000 })
    expect((await ann.http.post(`${threadPath(room, parent.message)}/read`, {})).status).toBe(204)
    await vi.waitFor(() => expect(annHears.at(-1)).toMatchObject({ unread: 0 }), { timeout: 10_000 })
    const second = await send(bob, room, 'unread by ann', { thread: parent.message })
    await vi.waitFor(() => expect(annHears.at(-1)).toMatchObject({ unread: 1 }), { timeout: 10_000 })
    // Cat follows from the reply that names her: the replies before it were never hers to read.
    const third = await send(bob, room, `also unread, @${cat.username}`, { thread: parent.message })
    await vi.waitFor(() => expect(annHears.at(-1)).toMatchObject({ unread: 2 }), { timeout: 10_000 })
    await vi.waitFor(() => expect(catHears.at(-1)).toMatchObject({ unread: 1 }), { timeout: 10_000 })

    const remove = (id: string) => bob.http.request(`/api/rooms/${room}/messages/${encodeURIComponent(id)}`, { method: 'DELETE' })
    const followed = async (who: Person): Promise<number[]> => ((await who.http.get('/api/threads')).json.threads as FollowedThread[]).map(t => t.unread)
    expect((await remove(first.message)).status).toBe(200)
    expect((await remove(second.message)).status).toBe(200)
    await vi.waitFor(() => expect(annHears.at(-1)).toEqual({ room, id: parent.message, unread: 1 }), { timeout: 10_000 })
    await barrier(cat.socket)
    expect(catHears.at(-1)).toMatchObject({ unread: 1 })
    expect(await followed(ann)).toEqual([1])
    expect(await followed(cat)).toEqual([1])
    expect((await remove(third.message)).status).toBe(200)
    await vi.waitFor(() => expect(annHears.at(-1)).toEqual({ room, id: parent.message, unread: 0 }), { timeout: 10_000 })
    await vi.waitFor(() => expect(catHears.at(-1)).toEqual({ room, id: parent.message, unread: 0 }), { timeout: 10_000 })
    expect(await followed(ann)).toEqual([0])
    expect(await followed(cat)).toEqual([0])
    expect(await followed(bob)).toEqual([0])
  })
})
