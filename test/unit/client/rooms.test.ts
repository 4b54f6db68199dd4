import { beforeEach, describe, expect, it } from 'vitest'
import { registerEndpoint } from '@nuxt/test-utils/runtime'
import { createPinia, setActivePinia } from 'pinia'
import { createError } from 'h3'
import type { Room, RoomSummary } from '#shared/types/chat'
import { message } from './fake-chat-socket'

function summary(id: string, unread = 0): RoomSummary {
  return { id, name: id, topic: `About ${id}`, image: `/i/${id}.svg`, preview: `About ${id}`, status: 'none', onlineCount: 0, lastMessageAt: null, unread }
}
let listCalls = 0
registerEndpoint('/api/rooms', {
  method: 'GET',
  handler: () => {
    listCalls++
    return { rooms: [summary('general', 3), summary('lambda', 2)] }
  },
})
registerEndpoint('/api/rooms', {
  method: 'POST',
  handler: () => ({ room: { id: 'fresh', name: 'Fresh', topic: 'New here', image: '/i/fresh.svg', createdBy: 'ann', createdAt: 1 } }),
})

registerEndpoint('/api/dms', {
  method: 'POST',
  handler: () => ({ room: { id: 'dm-1', name: 'ann, bob', topic: '', image: '/i/dm.svg', createdBy: 'ann', createdAt: 1, kind: 'dm', visibility: 'private', members: ['ann', 'bob'] } }),
})
registerEndpoint('/api/users', { method: 'GET', handler: () => ({ users: [{ username: 'bob', displayName: 'Bob Berg', avatar: '/a/bob.png' }] }) })
const far: Room = { id: 'far', name: 'Far away', topic: 'Beyond the first hundred', image: '/i/far.svg', createdBy: 'zed', createdAt: 1, archived: true }
registerEndpoint('/api/rooms/far', { method: 'GET', handler: () => ({ room: far }) })
registerEndpoint('/api/rooms/hidden', { method: 'GET', handler: () => { throw createError({ statusCode: 404, message: 'There is no room "hidden"' }) } })
registerEndpoint('/api/rooms/lambda/settings', { method: 'PATCH', handler: () => ({ settings: { muted: true } }) })
registerEndpoint('/api/rooms/lambda/members/ann', { method: 'DELETE', handler: () => ({ room: { id: 'lambda' } }) })

beforeEach(() => {
  setActivePinia(createPinia())
  listCalls = 0
  useSessionStore().user = { username: 'ann', avatar: '', guest: false }
})

describe('the rooms store', () => {
  it('loads the list once, taking an account\'s unread counts from the server except for the open room', async () => {
    const rooms = useRoomsStore()
    rooms.enter('general')
    await rooms.load()
    await rooms.load()
    expect(listCalls).toBe(1)
    expect(rooms.list.map(r => r.id)).toEqual(['general', 'lambda'])
    expect(rooms.unread).toEqual({ general: 0, lambda: 2 })
    expect(rooms.totalUnread).toBe(2)
    await rooms.refresh()
    expect(listCalls).toBe(2)
  })

  it('keeps a guest\'s counts in the page only', async () => {
    useSessionStore().user = { username: 'anonymous_abc123', avatar: '', guest: true }
    const rooms = useRoomsStore()
    await rooms.load()
    expect(rooms.unread).toEqual({})
  })

  it('counts messages from others in rooms not on screen and updates every preview', async () => {
    const rooms = useRoomsStore()
    await rooms.load()
    rooms.enter('general')
    const there = message('lambda', 'bob', 'Cold start?')
    rooms.noteMessage(there, { mine: false, hidden: false })
    rooms.noteMessage(message('lambda', 'ann', 'Mine'), { mine: true, hidden: false })
    rooms.noteMessage(message('general', 'bob', 'Here'), { mine: false, hidden: false })
    expect(rooms.unread).toEqual({ general: 0, lambda: 3 })
    expect(rooms.byId('lambda')!.preview).toBe('ann: Mine')
    expect(rooms.byId('general')!.preview).toBe('bob: Here')
  })

  it('counts messages in the open room while the tab is hidden until it is seen', async () => {
    const rooms = useRoomsStore()
    rooms.enter('general')
    rooms.noteMessage(message('general', 'bob', 'Psst'), { mine: false, hidden: true })
    expect(rooms.unseenHere).toBe(1)
    expect(rooms.totalUnread).toBe(1)
    rooms.markSeen()
    expect(rooms.totalUnread).toBe(0)
  })

  it('entering a room clears its count and remembers it for the next visit to /', async () => {
    const rooms = useRoomsStore()
    await rooms.load()
    rooms.enter('lambda')
    expect(rooms.currentId).toBe('lambda')
    expect(rooms.unread.lambda).toBe(0)
    expect(rooms.lastRoom).toBe('lambda')
    rooms.leave('lambda')
    expect(rooms.currentId).toBeNull()
  })

  it('clears a count another tab has read and adds rooms created anywhere', async () => {
    const rooms = useRoomsStore()
    await rooms.load()
    rooms.clearUnread('lambda')
    expect(rooms.unread.lambda).toBe(0)
    rooms.upsert(summary('ecs'))
    rooms.upsert({ ...summary('general'), topic: 'Renamed topic' })
    expect(rooms.list.map(r => r.id)).toEqual(['general', 'lambda', 'ecs'])
    expect(rooms.byId('general')!.topic).toBe('Renamed topic')
  })

  it('creates a room and lists it at once', async () => {
    const rooms = useRoomsStore()
    const room = await rooms.create({ name: 'Fresh', topic: 'New here' })
    expect(room.id).toBe('fresh')
    expect(rooms.byId('fresh')).toMatchObject({ id: 'fresh', name: 'Fresh', preview: 'New here', unread: 0 })
  })

  it('opens a DM, lists it once under the names of the other people, and keeps what it knew of it', async () => {
    const rooms = useRoomsStore()
    expect(await rooms.openDm(['bob'])).toBe('/rooms/dm-1')
    expect(rooms.directMessages.map(r => [r.id, r.preview, r.member])).toEqual([['dm-1', '', true]])
    expect(rooms.titleOf(rooms.byId('dm-1')!)).toBe('bob')
    rooms.noteMessage(message('dm-1', 'bob', 'Hi'), { mine: false, hidden: false })
    await rooms.openDm(['bob'])
    expect(rooms.directMessages.map(r => r.preview)).toEqual(['bob: Hi'])
  })

  it('applies the reader\'s own settings and leaving once the server has them', async () => {
    const rooms = useRoomsStore()
    await rooms.load()
    await rooms.saveSettings('lambda', { muted: true })
    expect(rooms.byId('lambda')!.muted).toBe(true)
    await rooms.leaveRoom('lambda')
    // A public room left stays listed among the others.
    expect(rooms.byId('lambda')!.member).toBe(false)
  })

  it('previews the newest message by its author\'s display name, and follows its edit and its deletion', async () => {
    const rooms = useRoomsStore()
    await rooms.load()
    const sent = message('lambda', 'bob', 'this has a typo teh')
    rooms.noteMessage(sent, { mine: false, hidden: false })
    expect(rooms.byId('lambda')!.latest).toEqual({ id: sent.id, username: 'bob', text: 'this has a typo teh' })
    expect(usePeopleStore().nameOf('bob')).toBe('Bob Berg')
    rooms.messageChanged('lambda', 'not-the-newest', { ...sent, id: 'not-the-newest', content: { text: 'other' } })
    rooms.messageChanged('lambda', sent.id, { ...sent, content: { text: 'this has a typo the' } })
    expect(rooms.byId('lambda')!.latest!.text).toBe('this has a typo the')
    // A deletion relayed for a message this page does not hold: only its id is known.
    rooms.messageChanged('lambda', sent.id)
    expect(rooms.byId('lambda')!.latest!.text).toBe('message deleted')
    expect(rooms.byId('lambda')!.preview).toBe('bob: message deleted')
  })

  it('shows a room by its name, and a new topic as the preview of a room nobody has written in', async () => {
    const rooms = useRoomsStore()
    await rooms.load()
    rooms.updated({ id: 'general', name: 'Everything', topic: 'A new topic', image: '/i/general.svg', createdBy: 'system', createdAt: 0 })
    expect(rooms.titleOf(rooms.byId('general')!)).toBe('Everything')
    expect(rooms.byId('general')!.preview).toBe('A new topic')
  })

  it('names a DM by the other person and shows their picture, not one made from its id', async () => {
    const rooms = useRoomsStore()
    await rooms.openDm(['bob'])
    await usePeopleStore().load(['bob'])
    const dm = rooms.byId('dm-1')!
    expect(rooms.titleOf(dm)).toBe('Bob Berg')
    expect(rooms.pictureOf(dm)).toEqual({ src: '/a/bob.png', name: 'bob' })
  })

  it('remembers why a room was taken from the reader until they are added to it again', async () => {
    const rooms = useRoomsStore()
    rooms.added({ ...summary('secret'), visibility: 'private' })
    rooms.added(summary('doomed'))
    rooms.removed('secret')
    rooms.removed('doomed', true)
    expect(rooms.ended).toEqual({ secret: 'removed', doomed: 'deleted' })
    expect(rooms.byId('secret')).toBeNull()
    rooms.added({ ...summary('secret'), visibility: 'private' })
    expect(rooms.ended).toEqual({ doomed: 'deleted' })
  })

  it('reads an open room whole when the list knows it only from the directory, and keeps it across a refresh', async () => {
    const rooms = useRoomsStore()
    await rooms.load()
    expect(await rooms.open('far')).toBe(true)
    expect(rooms.byId('far')).toMatchObject({ name: 'Far away', archived: true, createdBy: 'zed', member: false })
    rooms.enter('far')
    await rooms.refresh()
    expect(rooms.byId('far')).not.toBeNull()
    expect(await rooms.open('hidden')).toBe(false)
  })

  it('starts empty when another account signs in on the page', async () => {
    const rooms = useRoomsStore()
    const session = useSessionStore()
    session.owner = 'ann'
    await rooms.load()
    rooms.enter('lambda')
    await nextTick()
    session.owner = 'bob'
    await nextTick()
    expect(rooms.list).toEqual([])
    expect(rooms.loaded).toBe(false)
    expect(rooms.currentId).toBeNull()
    expect(rooms.unread).toEqual({})
  })
})
