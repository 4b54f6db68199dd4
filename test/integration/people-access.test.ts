import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { RoomSummary } from '#shared/types/chat'
import type { SearchPage } from '#shared/types/search'
import type { WireMessage, WireMessagePage } from '#shared/types/socket'
import { startTwoInstances, type TwoInstances } from '../support/cluster.ts'
import { Client } from '../support/http.ts'
import { account, guest, socketOf, uniqueName, type Person } from '../support/people.ts'
import { barrier, call, closeAll, collect, waitFor, type TestSocket } from '../support/sockets.ts'

let cluster: TwoInstances

beforeAll(async () => {
  cluster = await startTwoInstances({ env: { MESSAGE_BURST: '200', MESSAGES_PER_SECOND: '200', ROOMS_PER_HOUR: '100' } })
})
afterEach(() => closeAll())
afterAll(async () => cluster?.stop())

const unique = uniqueName

async function privateRoom(owner: Person, members: Person[]) {
  const id = unique('secret-')
  const created = await owner.http.post('/api/rooms', { id, name: `Hidden ${id}`, topic: 'the hidden topic', visibility: 'private' })
  expect(created.status).toBe(201)
  for (const member of members) expect((await owner.http.post(`/api/rooms/${id}/members`, { username: member.username })).status).toBe(200)
  return id
}

async function dm(starter: Person, others: Person[]) {
  const response = await starter.http.post('/api/dms', { usernames: others.map(o => o.username) })
  expect(response.status).toBe(201)
  return response.json.room.id
}

const pageOf = (html: string, id: string) => html.replaceAll(id, 'ROOM')
  // Per-request values (CSP nonces, the payload's ids and times) differ between any two pages.
  .replace(/nonce="[^"]*"/g, '').replace(/<script[^>]*id="__NUXT_DATA__"[^>]*>[\s\S]*?<\/script>/, '')

/**
 * Every path that reads or writes a room, tried by someone who may not read it: all must answer
 * exactly as for a room that does not exist, and nothing of the room may show.
 */
async function expectRefusedEverywhere(outsider: Person, room: string, secrets: string[], member: TestSocket) {
  const missing = unique('nothing-here-')
  const http = outsider.http
  const socket = await socketOf(outsider, cluster.b.url)

  // HTTP reads: the same 404 as a room that does not exist.
  const [real, none] = await Promise.all([http.get(`/api/rooms/${room}`), http.get(`/api/rooms/${missing}`)])
  expect(real.status).toBe(404)
  expect(real.json.message.replace(room, 'ROOM')).toBe(none.json.message.replace(missing, 'ROOM'))
  for (const query of ['', '?before=9999999999999:0000000000000000', '?after=0000000000000:0000000000000000']) {
    expect((await http.get(`/api/rooms/${room}/messages${query}`)).status).toBe(404)
  }
  expect((await http.get(`/api/rooms/${room}/members`)).status).toBe(404)
  // Search: nothing of it, from the index or from what an instance still holds for it (the secrets
  // were just sent, on either instance), and `in:` the room answers as for a room that does not exist.
  for (const secret of secrets) {
    const found = (await http.get(`/api/search?q=${encodeURIComponent(`${secret} `)}`)).json as unknown as SearchPage
    expect(found.messages.filter(m => m.room === room)).toEqual([])
  }
  const [inRoom, inNone] = await Promise.all([room, missing].map(async id => (await http.get(`/api/search?q=${encodeURIComponent(`words in:#${id}`)}`)).json))
  expect(inRoom).toEqual(inNone)
  // HTTP writes and management: 404 too (never 403, which would say the room is there).
  expect((await http.request(`/api/rooms/${room}`, { method: 'PATCH', body: { name: 'Mine now' } })).status).toBe(404)
  expect((await http.request(`/api/rooms/${room}`, { method: 'DELETE' })).status).toBe(404)
  expect((await http.post(`/api/rooms/${room}/members`, { username: outsider.username })).status).toBe(404)
  expect((await http.request(`/api/rooms/${room}/members/${outsider.username}`, { method: 'DELETE' })).status).toBe(404)
  expect((await http.request(`/api/rooms/${room}/settings`, { method: 'PATCH', body: { muted: true } })).status).toBe(404)
  // A message's link cards: removing one, and their images.
  const someMessage = encodeURIComponent('9999999999999:0000000000000000')
  expect((await http.request(`/api/rooms/${room}/messages/${someMessage}/previews/0?url=${encodeURIComponent('https://example.com/')}`, { method: 'DELETE' })).status).toBe(404)
  expect((await http.get(`/api/rooms/${room}/messages/${someMessage}/link-images/${'0'.repeat(32)}`)).status).toBe(404)
  // Pins: the list, pinning and unpinning, whether or not the message id is one of the room's.
  expect((await http.get(`/api/rooms/${room}/pins`)).status).toBe(404)
  expect((await http.request(`/api/rooms/${room}/pins/${someMessage}`, { method: 'PUT' })).status).toBe(404)
  expect((await http.request(`/api/rooms/${room}/pins/${someMessage}`, { method: 'DELETE' })).status).toBe(404)
  expect((await http.get(`/api/rooms/${room}/read-marker`)).status).toBe(404)

  // The room list (HTTP and socket), with its previews and unread counts: no trace of the room.
  const listed = await http.get('/api/rooms')
  expect(listed.json.rooms.map(r => r.id)).not.toContain(room)
  for (const secret of secrets) expect(listed.text).not.toContain(secret)
  const [, socketList] = await call<RoomSummary[]>(socket, 'room list')
  expect(socketList.map(r => r.id)).not.toContain(room)

  // The server-rendered page: the same page as for a room that does not exist.
  const [page, nonePage] = await Promise.all([http.request(`/rooms/${room}`, { headers: { accept: 'text/html' } }), http.request(`/rooms/${missing}`, { headers: { accept: 'text/html' } })])
  expect(page.status).toBe(nonePage.status)
  for (const secret of secrets) expect(page.text).not.toContain(secret)
  expect(pageOf(page.text, room)).toBe(pageOf(nonePage.text, missing))
  // Also opened on a message link (the page's window around a message).
  const linked = await http.request(`/rooms/${room}?m=9999999999999:0000000000000000`, { headers: { accept: 'text/html' } })
  expect(linked.status).toBe(nonePage.status)
  for (const secret of secrets) expect(linked.text).not.toContain(secret)

  // What the page may tell of the id once hydrated: no more than creating a room of it would (a
  // 409), and of DM ids nothing, whether one exists or not.
  const dmId = room.startsWith('dm-')
  expect((await http.get(`/api/room-ids/${room}`)).json.availability).toBe(dmId ? 'reserved' : 'taken')
  expect((await http.get(`/api/room-ids/${dmId ? `dm-${'0'.repeat(40)}` : missing}`)).json.availability).toBe(dmId ? 'reserved' : 'free')

  // Socket events.
  const noRoom = `There is no room "${room}"`
  expect((await call(socket, 'join room', room))[0]).toBe(noRoom)
  expect((await call(socket, 'message list', { room }))[0]).toBe(noRoom)
  expect((await call(socket, 'catch up', { room, after: '0000000000000:0000000000000000' }))[0]).toBe(noRoom)
  expect((await call(socket, 'mark read', { room, message: '9999999999999:0000000000000000' }))[0]).toBe(noRoom)
  expect((await call(socket, 'new message', { room, message: 'let me in' }))[0]).toBe(noRoom)
  // The member has the room on screen, so typing would reach them.
  expect((await call(member, 'join room', room))[0]).toBeNull()
  const typing = collect(member, 'typing')
  socket.emit('typing', room)
  await barrier(socket)
  await barrier(member)
  expect(typing).toEqual([])

  // Live messages of the room never reach the outsider.
  const heard = collect<WireMessage>(socket, 'new message')
  const [err] = await call(member, 'new message', { room, message: `${secrets[0]} live` })
  expect(err).toBeNull()
  await barrier(socket)
  expect(heard).toEqual([])

  // And nothing the outsider tried was stored.
  const [, history] = await call<WireMessagePage>(member, 'message list', { room })
  expect(history.messages.map(m => m.content.text)).not.toContain('let me in')

  // Every thread path: the same 404 as for a room that does not exist, and no reply or summary heard.
  const [, parent] = await call<WireMessage>(member, 'new message', { room, message: `${secrets[0]} parent` })
  const threadPath = `/api/rooms/${room}/messages/${encodeURIComponent(parent.message)}`
  const noThread = await http.get(`/api/rooms/${missing}/messages/${encodeURIComponent(parent.message)}/thread`)
  expect(noThread.status).toBe(404)
  for (const [method, suffix] of [['GET', '/thread'], ['GET', `/thread?after=${encodeURIComponent(parent.message)}`], ['POST', '/thread/read'], ['PUT', '/follow'], ['DELETE', '/follow']] as const) {
    const answer = await http.request(`${threadPath}${suffix}`, { method })
    expect(answer.status, `${method} ${suffix}`).toBe(404)
    expect(answer.json.message.replace(room, 'ROOM')).toBe(noThread.json.message.replace(missing, 'ROOM'))
  }
  expect((await http.post(`/api/rooms/${room}/messages`, { text: 'in the thread', thread: parent.message })).status).toBe(404)
  expect((await call(socket, 'new message', { room, message: 'in the thread', thread: parent.message }))[0]).toBe(noRoom)
  const threadEvents = ['thread reply', 'thread updated', 'thread activity'].map(event => collect(socket, event))
  const summary = waitFor(member, 'thread updated')
  expect((await call(member, 'new message', { room, message: `${secrets[0]} reply`, thread: parent.message }))[0]).toBeNull()
  await summary
  await barrier(socket)
  expect(threadEvents).toEqual([[], [], []])
  expect((await http.get('/api/threads')).json.threads).toEqual([])
}

describe('private rooms and DMs, seen by someone outside them', () => {
  it('refuse every path to a private room as if it did not exist, to an account and to a guest', async () => {
    const [owner, member, outsider, visitor] = await Promise.all([account(cluster.a.url, { prefix: 'own' }), account(cluster.b.url, { prefix: 'mem' }), account(cluster.b.url, { prefix: 'out' }), guest(cluster.a.url)])
    const room = await privateRoom(owner, [member])
    const memberSocket = await socketOf(member)
    const [err] = await call(memberSocket, 'new message', { room, message: 'private words' })
    expect(err).toBeNull()
    const secrets = [`Hidden ${room}`, 'the hidden topic', 'private words']
    // A member on the other instance finds the words at once (held for the index there): the outsiders' searches below ask the same way.
    const own = (await owner.http.get(`/api/search?q=${encodeURIComponent('private words ')}`)).json as unknown as SearchPage
    expect(own.messages.filter(m => m.room === room).map(m => m.content.text)).toEqual(['private words'])
    await expectRefusedEverywhere(outsider, room, secrets, memberSocket)
    await expectRefusedEverywhere(visitor, room, secrets, memberSocket)
  })

  it('refuse every path to a DM as if it did not exist', async () => {
    const [alice, bob, outsider] = await Promise.all([account(cluster.a.url, { prefix: 'al' }), account(cluster.b.url, { prefix: 'bo' }), account(cluster.b.url, { prefix: 'out' })])
    const room = await dm(alice, [bob])
    const bobSocket = await socketOf(bob)
    expect((await call(bobSocket, 'new message', { room, message: 'just between us' }))[0]).toBeNull()
    await expectRefusedEverywhere(outsider, room, ['just between us', alice.username], bobSocket)
  })

  it('let members read and write, and list the room in their sidebar', async () => {
    const [owner, member] = await Promise.all([account(cluster.a.url, { prefix: 'own' }), account(cluster.b.url, { prefix: 'mem' })])
    const room = await privateRoom(owner, [member])
    expect((await member.http.get(`/api/rooms/${room}`)).json.room).toMatchObject({ id: room, visibility: 'private', createdBy: owner.username })
    const listed = (await member.http.get('/api/rooms')).json.rooms.find(r => r.id === room)
    expect(listed).toMatchObject({ visibility: 'private', member: true })
    const socket = await socketOf(member)
    expect((await call(socket, 'join room', room))[0]).toBeNull()
  })
})

describe('removing a member', () => {
  it('takes effect at once on all their tabs on both instances', async () => {
    const [owner, member] = await Promise.all([account(cluster.a.url, { prefix: 'own' }), account(cluster.b.url, { prefix: 'mem' })])
    const room = await privateRoom(owner, [member])
    const [onA, onB, ownerSocket] = await Promise.all([socketOf(member, cluster.a.url), socketOf(member, cluster.b.url), socketOf(owner)])
    const removedA = waitFor<{ room: string }>(onA, 'room removed')
    const removedB = waitFor<{ room: string }>(onB, 'room removed')
    expect((await owner.http.request(`/api/rooms/${room}/members/${member.username}`, { method: 'DELETE' })).status).toBe(200)
    expect(await removedA).toEqual({ room })
    expect(await removedB).toEqual({ room })

    const heardA = collect(onA, 'new message')
    const heardB = collect(onB, 'new message')
    expect((await call(ownerSocket, 'new message', { room, message: 'after you left' }))[0]).toBeNull()
    await Promise.all([barrier(onA), barrier(onB)])
    expect([heardA, heardB]).toEqual([[], []])
    expect((await call(onB, 'message list', { room }))[0]).toBe(`There is no room "${room}"`)
    expect((await member.http.get(`/api/rooms/${room}`)).status).toBe(404)
  })

  it('lets only the owner remove others, and anyone leave', async () => {
    const [owner, first, second] = await Promise.all([account(cluster.a.url, { prefix: 'own' }), account(cluster.a.url, { prefix: 'm' }), account(cluster.a.url, { prefix: 'm' })])
    const room = await privateRoom(owner, [first, second])
    const refused = await first.http.request(`/api/rooms/${room}/members/${second.username}`, { method: 'DELETE' })
    expect(refused.status).toBe(403)
    expect((await first.http.request(`/api/rooms/${room}/members/${first.username}`, { method: 'DELETE' })).status).toBe(200)
    expect((await first.http.get(`/api/rooms/${room}`)).status).toBe(404)
    expect((await second.http.get(`/api/rooms/${room}`)).status).toBe(200)
  })
})

describe('writing in a public room', () => {
  /** A public room of its own owner, which `writer` has never opened; `writer` has a socket on the other instance. */
  async function unvisitedRoom(writer: Person) {
    const owner = await account(cluster.a.url, { prefix: 'own' })
    const created = await owner.http.post('/api/rooms', { name: `Open ${uniqueName()}` })
    expect(created.status).toBe(201)
    const socket = await socketOf(writer)
    return { owner: { ...owner, socket: await socketOf(owner) }, room: created.json.room.id as string, socket }
  }

  /** What writing left behind: the writer's membership, sidebar and subscription on both instances. */
  async function stateAfterWriting(writer: Person, room: string, writerSocket: TestSocket, owner: { socket: TestSocket }) {
    const listed = (await writer.http.get('/api/rooms')).json.rooms.find(r => r.id === room)
    const otherTab = await socketOf(writer, cluster.a.url)
    const heard = [waitFor<WireMessage>(writerSocket, 'new message'), waitFor<WireMessage>(otherTab, 'new message')]
    const [err] = await call(owner.socket, 'new message', { room, message: 'for every member' })
    expect(err).toBeNull()
    return { member: listed?.member, heard: (await Promise.all(heard)).map(m => m.content.text) }
  }

  it('makes the writer a member the same way over HTTP and over a socket', async () => {
    const [byHttp, bySocket] = await Promise.all([account(cluster.b.url, { prefix: 'http' }), account(cluster.b.url, { prefix: 'sock' })])
    const first = await unvisitedRoom(byHttp)
    const addedOverHttp = waitFor<RoomSummary>(first.socket, 'room added')
    expect((await byHttp.http.post(`/api/rooms/${first.room}/messages`, { text: 'hello over HTTP' })).status).toBe(201)
    expect(await addedOverHttp).toMatchObject({ id: first.room, member: true })

    const second = await unvisitedRoom(bySocket)
    const addedOverSocket = waitFor<RoomSummary>(second.socket, 'room added')
    expect((await call(second.socket, 'new message', { room: second.room, message: 'hello over a socket' }))[0]).toBeNull()
    expect(await addedOverSocket).toMatchObject({ id: second.room, member: true })

    const expected = { member: true, heard: ['for every member', 'for every member'] }
    expect(await stateAfterWriting(byHttp, first.room, first.socket, first.owner)).toEqual(expected)
    expect(await stateAfterWriting(bySocket, second.room, second.socket, second.owner)).toEqual(expected)
  })
})

describe('direct messages', () => {
  it('give the same room to the same people, whoever starts it', async () => {
    const [alice, bob, carol] = await Promise.all([account(cluster.a.url, { prefix: 'al' }), account(cluster.b.url, { prefix: 'bo' }), account(cluster.a.url, { prefix: 'ca' })])
    const first = await alice.http.post('/api/dms', { usernames: [bob.username] })
    expect(first.status).toBe(201)
    expect(first.json.room).toMatchObject({ kind: 'dm', visibility: 'private', members: [alice.username, bob.username].sort() })
    const again = await bob.http.post('/api/dms', { usernames: [alice.username.toUpperCase()] })
    expect(again.status).toBe(200)
    expect(again.json.room.id).toBe(first.json.room.id)
    const group = await carol.http.post('/api/dms', { usernames: [alice.username, bob.username] })
    expect(group.json.room.id).not.toBe(first.json.room.id)
    expect((await bob.http.get('/api/rooms')).json.rooms.filter(r => r.kind === 'dm').map(r => r.id).sort()).toEqual([first.json.room.id, group.json.room.id].sort())
  })

  it('tell the other person\'s open tabs on another instance about a new DM', async () => {
    const [alice, bob] = await Promise.all([account(cluster.a.url, { prefix: 'al' }), account(cluster.b.url, { prefix: 'bo' })])
    const bobSocket = await socketOf(bob)
    const added = waitFor<RoomSummary>(bobSocket, 'room added')
    const room = await dm(alice, [bob])
    expect(await added).toMatchObject({ id: room, kind: 'dm' })
    const aliceSocket = await socketOf(alice)
    const heard = waitFor<WireMessage>(bobSocket, 'new message')
    await call(aliceSocket, 'new message', { room, message: 'hello bob' })
    expect((await heard).content.text).toBe('hello bob')
  })

  it.each([
    [{ usernames: [] }, 400, /at least one/],
    [{ usernames: Array.from({ length: 8 }, (_, i) => `someone${i}`) }, 400, /at most 8/],
    [{ usernames: ['nobody-by-this-name'] }, 404, /no account "nobody-by-this-name"/],
  ])('refuse %j with a clear error', async (body, status, message) => {
    const alice = await account(cluster.a.url, { prefix: 'al' })
    const response = await alice.http.post('/api/dms', body)
    expect(response.status).toBe(status)
    expect(response.json.message).toMatch(message)
  })

  it('are refused to guests', async () => {
    const [visitor, bob] = await Promise.all([guest(cluster.a.url), account(cluster.a.url, { prefix: 'bo' })])
    const response = await visitor.http.post('/api/dms', { usernames: [bob.username] })
    expect(response.status).toBe(403)
    expect(response.json.message).toMatch(/Guests cannot start direct messages/)
  })
})

describe('room management', () => {
  it('lets the owner rename, re-topic and archive a room; archived rooms are read-only', async () => {
    const [owner, member] = await Promise.all([account(cluster.a.url, { prefix: 'own' }), account(cluster.b.url, { prefix: 'mem' })])
    const room = await privateRoom(owner, [member])
    expect((await member.http.request(`/api/rooms/${room}`, { method: 'PATCH', body: { name: 'Taken over' } })).status).toBe(403)
    const memberSocket = await socketOf(member)
    const updated = waitFor<{ name: string, topic: string }>(memberSocket, 'room updated')
    const renamed = await owner.http.request(`/api/rooms/${room}`, { method: 'PATCH', body: { name: 'Room 2', topic: 'new topic' } })
    expect(renamed.json.room).toMatchObject({ name: 'Room 2', topic: 'new topic' })
    expect(await updated).toMatchObject({ name: 'Room 2', topic: 'new topic' })
    // The other instance forgot its copy of the room at once.
    expect((await member.http.get(`/api/rooms/${room}`)).json.room.name).toBe('Room 2')

    expect((await owner.http.request(`/api/rooms/${room}`, { method: 'PATCH', body: { archived: true } })).status).toBe(200)
    expect((await call(memberSocket, 'new message', { room, message: 'too late' }))[0]).toBe(`#${room} is archived: it is read-only`)
    expect((await call(memberSocket, 'message list', { room }))[0]).toBeNull()
  })

  it('tells every sidebar of a public room\'s new name, topic and archiving, members or not, on both instances', async () => {
    const [owner, passerBy] = await Promise.all([account(cluster.a.url, { prefix: 'own' }), guest(cluster.b.url)])
    const id = unique('renamed-')
    expect((await owner.http.post('/api/rooms', { id, name: 'Before' })).status).toBe(201)
    const socket = await socketOf(passerBy)
    // The passer-by's instance now holds the directory's first page (kept 30 s).
    expect((await passerBy.http.get('/api/rooms')).json.rooms.find(r => r.id === id)).toMatchObject({ name: 'Before' })
    const updated = waitFor<{ id: string, name: string, topic: string, archived?: boolean }>(socket, 'room updated')
    expect((await owner.http.request(`/api/rooms/${id}`, { method: 'PATCH', body: { name: 'After', topic: 'Now with a topic', archived: true } })).status).toBe(200)
    expect(await updated).toMatchObject({ id, name: 'After', topic: 'Now with a topic', archived: true })
    // And the list a reload reads says so too, archived included (the directory carries it).
    expect((await passerBy.http.get('/api/rooms')).json.rooms.find(r => r.id === id)).toMatchObject({ name: 'After', archived: true, member: false })
  })

  it('deletes a room for good: its id is never given out again', async () => {
    const owner = await account(cluster.a.url, { prefix: 'own' })
    const id = unique('gone-')
    expect((await owner.http.post('/api/rooms', { id, name: 'Gone soon' })).status).toBe(201)
    const other = await account(cluster.b.url, { prefix: 'other' })
    expect((await other.http.request(`/api/rooms/${id}`, { method: 'DELETE' })).status).toBe(403)
    expect((await owner.http.request(`/api/rooms/${id}`, { method: 'DELETE' })).status).toBe(204)
    expect((await other.http.get(`/api/rooms/${id}`)).status).toBe(404)
    expect((await other.http.get('/api/room-directory')).text).not.toContain(id)
    expect((await owner.http.post('/api/rooms', { id, name: 'Gone soon' })).status).toBe(409)
    // Its page may say so: it was public.
    expect((await other.http.get(`/api/room-ids/${id}`)).json.availability).toBe('deleted')
  })

  it('refuses room ids kept for direct messages, as any unavailable id', async () => {
    const owner = await account(cluster.a.url, { prefix: 'own' })
    const response = await owner.http.post('/api/rooms', { id: 'dm-squatted', name: 'Squat' })
    expect(response.status).toBe(409)
    expect(response.json.message).toBe('The room id "dm-squatted" is not available: choose another name')
  })

  it('lets people join and leave a public room', async () => {
    const [owner, joiner] = await Promise.all([account(cluster.a.url, { prefix: 'own' }), account(cluster.b.url, { prefix: 'join' })])
    const id = unique('open-')
    await owner.http.post('/api/rooms', { id, name: 'Open' })
    expect((await joiner.http.post(`/api/rooms/${id}/members`, { username: joiner.username })).status).toBe(200)
    expect((await joiner.http.get('/api/rooms')).json.rooms.find(r => r.id === id)?.member).toBe(true)
    expect((await joiner.http.request(`/api/rooms/${id}/members/${joiner.username}`, { method: 'DELETE' })).status).toBe(200)
    expect((await joiner.http.get('/api/rooms')).json.rooms.find(r => r.id === id)?.member ?? false).toBe(false)
  })
})

describe('people and mentions', () => {
  it('finds people by the start of their username or display name, accents folded', async () => {
    const person = await account(cluster.a.url, { prefix: 'zz', displayName: 'Zoë Ünal' })
    const searcher = await account(cluster.b.url, { prefix: 'srch' })
    const found = await searcher.http.get(`/api/users?q=${encodeURIComponent('zoe un')}`)
    expect(found.status).toBe(200)
    expect((found.json as unknown as { users: { username: string, displayName: string }[] }).users).toContainEqual({ username: person.username, displayName: 'Zoë Ünal', avatar: `/api/avatars/${person.username}.svg` })
    const renamed = await person.http.request('/api/me', { method: 'PATCH', body: { displayName: 'Zed' } })
    expect(renamed.status).toBe(200)
    const after = (await searcher.http.get('/api/users?q=zed')).json as unknown as { users: { username: string }[] }
    expect(after.users.map(u => u.username)).toContain(person.username)
    const gone = (await searcher.http.get(`/api/users?q=${encodeURIComponent('zoë')}`)).json as unknown as { users: { username: string }[] }
    expect(gone.users.map(u => u.username)).not.toContain(person.username)
    expect((await person.http.request('/api/me', { method: 'PATCH', body: { displayName: 'x'.repeat(49) } })).status).toBe(400)
  })

  it('counts mentions of members only, in a badge that survives until the room is read', async () => {
    const [owner, member, outsider] = await Promise.all([account(cluster.a.url, { prefix: 'own' }), account(cluster.b.url, { prefix: 'mem' }), account(cluster.b.url, { prefix: 'out' })])
    const room = await privateRoom(owner, [member])
    const ownerSocket = await socketOf(owner)
    const [err, sent] = await call<WireMessage>(ownerSocket, 'new message', { room, message: `hey @${member.username} and @${outsider.username}` })
    expect(err).toBeNull()
    expect(sent.mentions).toEqual([member.username])
    await expect.poll(async () => (await member.http.get('/api/rooms')).json.rooms.find(r => r.id === room)?.mentions, { timeout: 15_000 }).toBe(1)
    const memberSocket = await socketOf(member)
    await call(memberSocket, 'mark read', { room, message: sent.message })
    await expect.poll(async () => (await member.http.get('/api/rooms')).json.rooms.find(r => r.id === room)?.mentions ?? 0, { timeout: 15_000 }).toBe(0)
  })
})

const rename = (person: Person, displayName: string) => person.http.request('/api/me', { method: 'PATCH', body: { displayName } })

describe('display names, against impersonation', () => {
  it('refuses names that impersonate someone or look blank or altered', async () => {
    const displayName = `Victoria ${uniqueName('S')}`
    const victim = await account(cluster.a.url, { prefix: 'victim', displayName })
    const attacker = await account(cluster.b.url, { prefix: 'mallory' })
    const spoofs = [
      displayName,
      displayName.toUpperCase(),
      displayName.replace('o', '\u043E'), // Cyrillic о
      displayName.replace('V', '\uFF36'), // fullwidth Ｖ
      displayName.replace('i', 'i\u200D'), // a zero-width joiner between letters
      victim.username,
      victim.username.toUpperCase(),
      `@${victim.username}`,
      'Guest 4821',
      'guest 1234',
      '\u3164',
      '\uFFA0',
      '\u1160',
      '\u2800',
      'A\u034FB',
      'Line\u2028Break',
      'Para\u2029graph',
      '\u3164\u3164\u3164',
    ]
    const answers = await Promise.all(spoofs.map(async spoof => ({ spoof, status: (await rename(attacker, spoof)).status })))
    expect(answers.filter(a => a.status < 400)).toEqual([])
    // Names that resemble nobody, emoji sequences included, are fine.
    expect((await rename(attacker, `Mal ${uniqueName('R')} 👩‍💻`)).status).toBe(200)
  })

  it('gives a name to one of two people asking for it at once on two instances', async () => {
    const [one, two] = await Promise.all([account(cluster.a.url), account(cluster.b.url)])
    const wanted = `Twin ${uniqueName('T')}`
    const statuses = (await Promise.all([rename(one, wanted), rename(two, wanted.toLowerCase())])).map(r => r.status).sort()
    expect(statuses).toEqual([200, 409])
  })

  it('releases a display name when its owner takes another', async () => {
    const [alice, bob] = await Promise.all([account(cluster.a.url), account(cluster.b.url)])
    const old = `Old ${uniqueName('N')}`
    expect((await rename(alice, old)).status).toBe(200)
    expect((await rename(bob, old)).status).toBe(409)
    expect((await rename(alice, `New ${uniqueName('N')}`)).status).toBe(200)
    expect((await rename(bob, old)).status).toBe(200)
  })

  it('refuses a new username too close to someone\'s display name', async () => {
    const taken = uniqueName('dora')
    await account(cluster.a.url, { displayName: taken.replace('o', '0') })
    const response = await new Client(cluster.b.url).post('/api/auth/register', { username: taken, password: 'Correct-Horse-9' })
    expect(response.status).toBe(409)
  })
})
