import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import type { RoomJoined, RoomPresenceEvent, RoomSummary, RoomViewers } from '#shared/types/chat'
import type { WireMessage, WireMessagePage } from '#shared/types/socket'
import { Client } from '../support/http.ts'
import { startApp, startDatabase } from '../support/processes.ts'
import { barrier, call, closeAll, collect, connect, signedInGuest, waitFor } from '../support/sockets.ts'
import { connected } from '../support/people.ts'

let db: Awaited<ReturnType<typeof startDatabase>>
let app: Awaited<ReturnType<typeof startApp>>

beforeAll(async () => {
  db = await startDatabase()
  app = await startApp({ dynamodbEndpoint: db.endpoint, env: { MESSAGE_BURST: '10', MESSAGES_PER_SECOND: '5' } })
})
afterEach(() => closeAll())
afterAll(async () => {
  await app?.stop()
  await db?.stop()
})

let n = 0
const name = () => `sock${Date.now().toString(36)}${n++}`

describe('connecting', () => {
  it('tells every new connection how many people are online', async () => {
    const socket = await connect(app.url, { transports: ['polling', 'websocket'] })
    const presence = await waitFor<{ numUsers: number }>(socket, 'presence')
    expect(presence.numUsers).toEqual(expect.any(Number))
  })

  it('refuses a handshake from another origin', async () => {
    await expect(connect(app.url, { origin: 'https://evil.example' })).rejects.toThrow()
    const ok = await connect(app.url, { origin: app.url })
    expect(ok.connected).toBe(true)
  })

  it('signs a browser socket in from its session cookie', async () => {
    const http = new Client(app.url)
    const { json } = await http.post('/api/auth/guest')
    const socket = await connect(app.url, { cookie: http.cookieHeader })
    const login = await waitFor<{ numUsers: number }>(socket, 'login')
    expect(login.numUsers).toBeGreaterThanOrEqual(1)
    const [err, message] = await call<WireMessage>(socket, 'new message', { room: 'general', message: 'from a cookie' })
    expect(err).toBeNull()
    expect(message.username).toBe(json.user.username)
  })
})

describe('signing in over the socket', () => {
  it('creates users, authenticates them and refuses a second identity', async () => {
    const username = name()
    const creator = await connect(app.url)
    const [createErr, created] = await call(creator, 'create user', { username, email: `${username}@example.com`, password: 'Socket-Pass-1' })
    expect(createErr).toBeNull()
    expect(created).toEqual({ username, avatar: `/api/avatars/${username}.svg` })
    expect((await call(creator, 'anonymous user'))[0]).toBe('User already has a logged in identity')

    const other = await connect(app.url)
    expect((await call(other, 'authenticate user', { username, password: 'wrong-password' }))[0]).toBe('No matching account found')
    expect((await call(other, 'authenticate user', { username: 'nobody-here', password: 'Socket-Pass-1' }))[0]).toBe('No matching account found')
    const loginEvent = waitFor<{ numUsers: number }>(other, 'login')
    const [authErr, identity] = await call(other, 'authenticate user', { username: username.toUpperCase(), password: 'Socket-Pass-1' })
    expect(authErr).toBeNull()
    expect(identity).toEqual({ username, avatar: `/api/avatars/${username}.svg` })
    expect((await loginEvent).numUsers).toBeGreaterThanOrEqual(1)
    expect((await call(other, 'authenticate user', { username, password: 'Socket-Pass-1' }))[0]).toBe('User already has a logged in identity')
  })

  it('rejects a taken name and invalid account data with clear messages', async () => {
    const username = name()
    const first = await connect(app.url)
    await call(first, 'create user', { username, password: 'Socket-Pass-1' })
    const second = await connect(app.url)
    expect((await call(second, 'create user', { username, password: 'Socket-Pass-1' }))[0]).toMatch(/already taken/)
    expect((await call(second, 'create user', { username: 'x', password: 'Socket-Pass-1' }))[0]).toMatch(/at least 3/)
    expect((await call(second, 'create user', null))[0]).toMatch(/expected object/i)
  })

  it('makes guests anonymous_<20 hex> and announces them to the others', async () => {
    const watcher = await signedInGuest(app.url)
    const joined = waitFor<{ username: string, avatar: string, numUsers: number }>(watcher.socket, 'user joined')
    const guest = await signedInGuest(app.url)
    expect(guest.username).toMatch(/^anonymous_[0-9a-f]{20}$/)
    expect(await joined).toEqual({ username: guest.username, avatar: `/api/avatars/${guest.username}.svg`, numUsers: expect.any(Number), version: expect.any(Number) })
  })
})

describe('messages', () => {
  it('refuses to send before signing in, with the original error strings', async () => {
    const socket = await connect(app.url)
    expect((await call(socket, 'new message', { room: 'general', message: 'hi' }))[0]).toBe('Can\'t send a message until you are authenticated')
    await call(socket, 'anonymous user')
    expect((await call(socket, 'new message', { message: 'hi' }))[0]).toBe('Must pass a parameter `room` which is a string')
    expect((await call(socket, 'new message', { room: 42, message: 'hi' }))[0]).toBe('Must pass a parameter `room` which is a string')
    expect((await call(socket, 'new message', { room: 'general' }))[0]).toBe('Must pass a parameter `message` which is a string')
    expect((await call(socket, 'new message', { room: 'general', message: ['hi'] }))[0]).toBe('Must pass a parameter `message` which is a string')
    expect((await call(socket, 'new message', { room: 'general', message: '   ' }))[0]).toMatch(/empty/)
    expect((await call(socket, 'new message', { room: 'general', message: 'x'.repeat(2001) }))[0]).toMatch(/at most 2000/)
    expect((await call(socket, 'new message', { room: 'Not Valid', message: 'hi' }))[0]).toMatch(/Room ids/)
    expect((await call(socket, 'new message', { room: 'no-such-room', message: 'hi' }))[0]).toMatch(/no room/)
  })

  it('persists a message, acks the stored message and relays it only to the room\'s other subscribers', async () => {
    const alice = await signedInGuest(app.url)
    const bob = await signedInGuest(app.url)
    const aliceInbox = collect(alice.socket, 'new message')
    const relayed = waitFor<WireMessage>(bob.socket, 'new message')
    const [err, stored] = await call<WireMessage>(alice.socket, 'new message', { room: 'fargate', message: '  Hello <b>Bob</b>  ' })
    expect(err).toBeNull()
    expect(stored).toEqual({ room: 'fargate', message: expect.stringMatching(/^\d{13}:[0-9a-f]{16}$/), username: alice.username, avatar: `/api/avatars/${alice.username}.svg`, time: expect.any(Number), content: { text: 'Hello <b>Bob</b>' }, html: '<p>Hello &lt;b&gt;Bob&lt;/b&gt;</p>' })
    expect(await relayed).toEqual(stored)
    const [, page] = await call<WireMessagePage>(bob.socket, 'message list', { room: 'fargate' })
    expect(page.messages[0]).toEqual(stored)
    expect(aliceInbox).toEqual([]) // the sender learns from its ack, not from a relay
  })

  it('does not relay a room\'s messages to sockets outside it', async () => {
    const creator = await connect(app.url)
    await call(creator, 'create user', { username: name(), password: 'Socket-Pass-1' })
    const http = new Client(app.url)
    await http.post('/api/auth/register', { username: name(), password: 'Socket-Pass-1' })
    const roomId = `private-${name()}`
    expect((await http.post('/api/rooms', { id: roomId, name: 'Private' })).status).toBe(201)
    const outsider = await signedInGuest(app.url)
    const member = await signedInGuest(app.url)
    await call(member.socket, 'join room', roomId)
    const outsiderInbox = collect(outsider.socket, 'new message')
    const received = waitFor<WireMessage>(member.socket, 'new message')
    await call(creator, 'new message', { room: roomId, message: 'members only' })
    expect((await received).content.text).toBe('members only')
    await barrier(outsider.socket)
    expect(outsiderInbox).toEqual([])
  })

  it('keeps one sender\'s order and pages history newest first with a cursor', async () => {
    const room = 'lambda'
    const sender = await signedInGuest(app.url)
    const reader = await signedInGuest(app.url)
    const relayed = collect<WireMessage>(reader.socket, 'new message')
    const acks = await Promise.all(Array.from({ length: 8 }, (_, i) => call<WireMessage>(sender.socket, 'new message', { room, message: `ordered ${i}` })))
    expect(acks.every(([err]) => err === null)).toBe(true)
    const ids = acks.map(([, m]) => m.message)
    expect([...ids].sort()).toEqual(ids)
    await expect.poll(() => relayed.length).toBe(8)
    expect(relayed.map(m => m.content.text)).toEqual(acks.map((_, i) => `ordered ${i}`))

    const [, newest] = await call<WireMessagePage>(reader.socket, 'message list', { room })
    expect(newest.messages.slice(0, 8).map(m => m.content.text)).toEqual(acks.map((_, i) => `ordered ${i}`).reverse())
    const [, older] = await call<WireMessagePage>(reader.socket, 'message list', { room, message: ids[4] })
    expect(older.messages.slice(0, 4).map(m => m.content.text)).toEqual(['ordered 3', 'ordered 2', 'ordered 1', 'ordered 0'])
    expect((await call(reader.socket, 'message list', { room, message: 'not-a-cursor' }))[0]).toBe('Cursor must be a message id')
    const [, caught] = await call<WireMessagePage>(reader.socket, 'catch up', { room, after: ids[5] })
    expect(caught.messages.map(m => m.content.text)).toEqual(['ordered 6', 'ordered 7'])
  })

  it('limits each user to a burst then a steady rate, with a clear error', async () => {
    const sender = await signedInGuest(app.url)
    const results = await Promise.all(Array.from({ length: 14 }, (_, i) => call(sender.socket, 'new message', { room: 'ecs', message: `burst ${i}` })))
    const refused = results.filter(([err]) => err)
    expect(results.filter(([err]) => !err).length).toBe(10)
    expect(refused[0]![0]).toMatch(/too fast/)
  })

  it('survives malformed payloads, missing acks and prototype tricks', async () => {
    const socket = await connect(app.url)
    await call(socket, 'anonymous user')
    const raw = socket as unknown as { emit: (event: string, ...args: unknown[]) => void }
    for (const event of ['new message', 'message list', 'create user', 'authenticate user', 'join room', 'typing', 'stop typing', 'catch up', 'room list', 'leave room', 'no such event']) {
      raw.emit(event)
      raw.emit(event, null)
      raw.emit(event, 42, 'x'.repeat(10_000))
      raw.emit(event, JSON.parse('{"__proto__": {"room": "general", "message": "polluted"}}'))
    }
    const [err] = await call(socket, 'new message', JSON.parse('{"__proto__": {"room": "general", "message": "polluted"}}'))
    expect(err).toBe('Must pass a parameter `room` which is a string')
    const [okErr] = await call(socket, 'room list')
    expect(okErr).toBeNull()
    expect((await fetch(`${app.url}/api/health`)).status).toBe(200)
  })

  it('drops a frame larger than the limit without harming the server', async () => {
    const socket = await signedInGuest(app.url)
    const closed = waitFor(socket.socket, 'disconnect')
    ;(socket.socket as unknown as { emit: (e: string, p: unknown) => void }).emit('new message', { room: 'general', message: 'x'.repeat(100_000) })
    await closed
    expect((await fetch(`${app.url}/api/health`)).status).toBe(200)
  })
})

describe('read markers and room events', () => {
  it('keeps what an account has read, counts what came after, and tells its other tabs', async () => {
    const http = new Client(app.url)
    const username = name()
    await http.post('/api/auth/register', { username, password: 'Reader-Pass-1' })
    const tab = await connect(app.url, { cookie: http.cookieHeader })
    const otherTab = await connect(app.url, { cookie: http.cookieHeader })
    await waitFor(tab, 'login')
    await waitFor(otherTab, 'login')
    const writer = await signedInGuest(app.url)
    const [, first] = await call<WireMessage>(writer.socket, 'new message', { room: 'lambda', message: 'read this' })

    const unreadOf = async () => (await http.get('/api/rooms')).json.rooms.find((r: RoomSummary) => r.id === 'lambda')?.unread
    expect(await unreadOf()).toBe(1) // default rooms count from the moment the account was made
    const told = waitFor<{ room: string, message: string }>(otherTab, 'room read')
    tab.emit('mark read', { room: 'lambda', message: first.message })
    expect(await told).toEqual({ room: 'lambda', message: first.message })
    for (let i = 0; i < 3; i++) await call(writer.socket, 'new message', { room: 'lambda', message: `unread ${i}` })
    expect(await unreadOf()).toBe(3)
    const [, rooms] = await call<RoomSummary[]>(tab, 'room list')
    expect(rooms.find(r => r.id === 'lambda')!.unread).toBe(3)

    // An older id (a stale tab) never moves the marker back.
    expect((await call(tab, 'mark read', { room: 'lambda', message: '0000000000001:00000000' }))[0]).toBeNull()
    expect(await unreadOf()).toBe(3)
    expect((await call(tab, 'mark read', { room: 'lambda', message: 'nope' }))[0]).toMatch(/message id/)
    expect((await call(writer.socket, 'mark read', { room: 'lambda', message: first.message }))[0]).toBeNull() // guests: accepted, not stored
  })

  it('announces a room created over HTTP to every signed-in socket', async () => {
    const watcher = await signedInGuest(app.url)
    const http = new Client(app.url)
    await http.post('/api/auth/register', { username: name(), password: 'Socket-Pass-1' })
    const announced = waitFor<RoomSummary>(watcher.socket, 'room created')
    const id = `fresh-${name()}`
    await http.post('/api/rooms', { id, name: 'Fresh', topic: 'Just made' })
    expect(await announced).toMatchObject({ id, name: 'Fresh', topic: 'Just made', unread: 0 })
  })
})

describe('rooms, presence and typing', () => {
  it('refuses to list rooms or messages to a socket that has not signed in', async () => {
    const socket = await connect(app.url)
    expect(await call(socket, 'room list')).toEqual(['Sign in first', undefined])
    expect(await call(socket, 'message list', { room: 'general' })).toEqual(['Sign in first', undefined])
    expect(await call(socket, 'message list', { room: 'no-such-room' })).toEqual(['Sign in first', undefined])
  })

  it('lists rooms to a signed-in socket, with previews and online counts', async () => {
    const { socket } = await signedInGuest(app.url)
    const [err, rooms] = await call<RoomSummary[]>(socket, 'room list')
    expect(err).toBeNull()
    expect(rooms.map(r => r.id).slice(0, 4)).toEqual(['general', 'fargate', 'lambda', 'ecs'])
    expect(rooms[0]).toEqual(expect.objectContaining({ id: 'general', name: 'General', image: expect.any(String), preview: expect.any(String), status: 'none', onlineCount: expect.any(Number) }))
  })

  it('lists who is looking at a room and updates the others', async () => {
    const alice = await signedInGuest(app.url)
    const bob = await signedInGuest(app.url)
    const [, first] = await call<RoomViewers>(alice.socket, 'join room', 'general')
    expect(first.members.map(m => m.username)).toContain(alice.username)
    // A room's lists leave the server at most once a second (the first at once): wait for Bob's.
    const lists = collect<RoomPresenceEvent>(alice.socket, 'room members')
    await call(bob.socket, 'join room', 'general')
    const withBob = () => lists.find(l => l.members.some(m => m.username === bob.username))
    await vi.waitFor(() => expect(withBob()).toBeDefined(), { timeout: 5000 })
    const seen = withBob()!
    expect(seen.room).toBe('general')
    expect(seen.members.map(m => m.username)).toEqual(expect.arrayContaining([alice.username, bob.username]))
    const [, rooms] = await call<RoomSummary[]>(bob.socket, 'room list')
    expect(rooms.find(r => r.id === 'general')!.onlineCount).toBeGreaterThanOrEqual(2)
    lists.length = 0
    bob.socket.emit('leave room', 'general')
    await vi.waitFor(() => expect(lists.at(-1)?.members.map(m => m.username)).not.toContain(bob.username), { timeout: 5000 })
    const left = lists.at(-1)!
    // Each list is numbered, later ones higher, so a client keeps the newest whatever the order of arrival.
    expect(seen.version).toBeGreaterThan(first.version)
    expect(left.version).toBeGreaterThan(seen.version)
    expect((await call(alice.socket, 'join room', 'Bad Room'))[0]).toMatch(/Room ids/)
  })

  it('tells those looking at a room of a burst of arrivals in a few lists, the last with everyone', async () => {
    const watcher = await signedInGuest(app.url)
    const room = 'lambda'
    await call(watcher.socket, 'join room', room)
    const lists = collect<RoomPresenceEvent>(watcher.socket, 'room members')
    const arrivals = await Promise.all(Array.from({ length: 8 }, () => signedInGuest(app.url)))
    await Promise.all(arrivals.map(a => call(a.socket, 'join room', room)))
    const everyone = arrivals.map(a => a.username)
    await vi.waitFor(() => expect(lists.at(-1)?.members.map(m => m.username)).toEqual(expect.arrayContaining(everyone)), { timeout: 5000 })
    // One list per arrival would be 8 (each to everyone looking: in a big room, quadratic).
    expect(lists.length).toBeLessThanOrEqual(3)
  })

  it('does not keep listing a tab whose connection closed while its join was on its way', async () => {
    const owner = await connected(app.url)
    const room = `ghost-${name()}`
    expect((await owner.http.post('/api/rooms', { id: room, name: 'Ghosts' })).status).toBe(201)
    await call(owner.socket, 'join room', room)
    const lists = collect<RoomPresenceEvent>(owner.socket, 'room members')
    // Not a member yet: the join first makes them one (a write), time enough for the close to arrive.
    const ghost = await connected(app.url)
    ghost.socket.emit('join room', room, () => {})
    // The join is under way once a later event is answered (events start in order): close now.
    await barrier(ghost.socket)
    ghost.socket.disconnect()
    await vi.waitFor(async () => {
      // The join made them a member: it has been handled.
      expect((await owner.http.get(`/api/rooms/${room}/members`)).text).toContain(ghost.username)
    }, { timeout: 5000 })
    // The join has been handled: whoever looks now sees only the people still there.
    const fresh = await signedInGuest(app.url)
    const [, viewers] = await call<RoomViewers>(fresh.socket, 'join room', room)
    expect(viewers.members.map(m => m.username).sort()).toEqual([owner.username, fresh.username].sort())
    // Lists are folded into one a second: the last one to arrive is the one that counts.
    await vi.waitFor(() => expect(lists.at(-1)!.members.map(m => m.username).sort()).toEqual([owner.username, fresh.username].sort()), { timeout: 5000 })
  })

  it('says when a join is what subscribed the socket to a room, so the page catches up on what it read before', async () => {
    const http = new Client(app.url)
    await http.post('/api/auth/register', { username: name(), password: 'Socket-Pass-1' })
    const roomId = `visit-${name()}`
    expect((await http.post('/api/rooms', { id: roomId, name: 'Visit' })).status).toBe(201)
    const visitor = await signedInGuest(app.url)
    // A room the socket got live messages of from the moment it connected.
    expect((await call<RoomJoined>(visitor.socket, 'join room', 'general'))[1].subscribed).toBe(false)
    expect((await call<RoomJoined>(visitor.socket, 'join room', roomId))[1].subscribed).toBe(true)
    expect((await call<RoomJoined>(visitor.socket, 'join room', roomId))[1].subscribed).toBe(false)
  })

  it('counts a user with two tabs once and says "user left" only when the last one closes', async () => {
    const http = new Client(app.url)
    const { json } = await http.post('/api/auth/guest')
    const watcher = await signedInGuest(app.url)
    const tab1 = await connect(app.url, { cookie: http.cookieHeader })
    const { numUsers } = await waitFor<{ numUsers: number }>(tab1, 'login')
    const tab2 = await connect(app.url, { cookie: http.cookieHeader })
    expect((await waitFor<{ numUsers: number }>(tab2, 'login')).numUsers).toBe(numUsers)
    const left = collect<{ username: string, numUsers: number }>(watcher.socket, 'user left')
    tab1.disconnect()
    // tab1's close reached the server before anything a third tab sends after it.
    const tab3 = await connect(app.url, { cookie: http.cookieHeader })
    await waitFor(tab3, 'login')
    tab3.disconnect()
    await barrier(watcher.socket)
    expect(left).toEqual([])
    tab2.disconnect()
    await vi.waitFor(() => expect(left).toEqual([{ username: json.user.username, avatar: json.user.avatar, numUsers: numUsers - 1, version: expect.any(Number) }]))
  })

  it('relays typing to the others looking at the room, ends it by itself, and ends it when asked', async () => {
    const alice = await signedInGuest(app.url)
    const bob = await signedInGuest(app.url)
    const elsewhere = await signedInGuest(app.url)
    await call(bob.socket, 'join room', 'general')
    await call(elsewhere.socket, 'join room', 'fargate')
    const unseen = collect(elsewhere.socket, 'typing')
    const typing = waitFor<{ room: string, username: string, avatar: string }>(bob.socket, 'typing')
    alice.socket.emit('typing', 'general')
    expect(await typing).toEqual({ room: 'general', username: alice.username, avatar: `/api/avatars/${alice.username}.svg` })
    const started = Date.now()
    const stopped = await waitFor<{ room: string, username: string }>(bob.socket, 'stop typing', 6000)
    expect(stopped).toEqual({ room: 'general', username: alice.username })
    expect(Date.now() - started).toBeGreaterThan(2000)

    // Refreshes every 2 s and the 3 s expiry are timed in unit tests (typing-state.test.ts).
    const again = waitFor(bob.socket, 'typing')
    alice.socket.emit('typing', 'general')
    await again
    const explicit = waitFor(bob.socket, 'stop typing', 1000)
    alice.socket.emit('stop typing', 'general')
    await explicit
    // A member of #general looking at another room is not told (in a big room most are not looking).
    await barrier(elsewhere.socket)
    expect(unseen).toEqual([])
  })

  it('ends a sender\'s typing when their message arrives, so typing the next one while it is stored still shows', async () => {
    const alice = await signedInGuest(app.url)
    const bob = await signedInGuest(app.url)
    await call(alice.socket, 'join room', 'general')
    await call(bob.socket, 'join room', 'general')
    const seen: string[] = []
    bob.socket.on('typing', () => seen.push('typing'))
    bob.socket.on('stop typing', () => seen.push('stop typing'))
    alice.socket.emit('typing', 'general')
    const sent = call<WireMessage>(alice.socket, 'new message', { room: 'general', message: 'first' })
    // The next message is begun before the first is acknowledged (a fast typist, a slow write).
    alice.socket.emit('typing', 'general')
    expect((await sent)[0]).toBeNull()
    await barrier(bob.socket)
    expect(seen).toEqual(['typing', 'stop typing', 'typing'])
  })

  it('ends an author\'s typing when their edit arrives, before the edit is relayed', async () => {
    const alice = await signedInGuest(app.url)
    const bob = await signedInGuest(app.url)
    await call(alice.socket, 'join room', 'general')
    await call(bob.socket, 'join room', 'general')
    const [, message] = await call<WireMessage>(alice.socket, 'new message', { room: 'general', message: 'befor' })
    const seen: string[] = []
    bob.socket.on('typing', () => seen.push('typing'))
    bob.socket.on('stop typing', () => seen.push('stop typing'))
    const updated = new Promise(resolve => bob.socket.once('message updated', resolve)).then(() => seen.push('message updated'))
    alice.socket.emit('typing', 'general')
    // No "stop typing" from the author's page: the edit alone ends it.
    expect((await call(alice.socket, 'edit message', { room: 'general', message: message.message, text: 'before' }))[0]).toBeNull()
    await updated
    expect(seen).toEqual(['typing', 'stop typing', 'message updated'])
  })
})
