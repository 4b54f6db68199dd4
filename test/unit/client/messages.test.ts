import { beforeEach, describe, expect, it, vi } from 'vitest'
import { mockNuxtImport, registerEndpoint } from '@nuxt/test-utils/runtime'
import { createPinia, setActivePinia } from 'pinia'
import { createError } from 'h3'
import type { ChatMessage } from '#shared/types/chat'
import { createFakeChatSocket, message } from './fake-chat-socket'

const { chat } = await vi.hoisted(async () => {
  const { createFakeChatSocket } = await import('./fake-chat-socket')
  return { chat: { current: createFakeChatSocket() } }
})
mockNuxtImport('useChatSocket', () => () => chat.current)

/** The room's stored history, oldest first; the endpoint pages it like the server does. */
let stored: ChatMessage[] = []
registerEndpoint('/api/rooms/general/messages', (event) => {
  const query = new URL(event.node.req.url!, 'http://x').searchParams
  const limit = Number(query.get('limit'))
  const after = query.get('after')
  const before = query.get('before')
  const around = query.get('around')
  if (around) {
    const at = stored.findIndex(m => m.id === around)
    if (at < 0) throw createError({ statusCode: 404, message: 'There is no message' })
    const from = Math.max(0, at - Math.floor((limit - 1) / 2))
    const to = Math.min(stored.length, at + 1 + (limit - 1 - Math.floor((limit - 1) / 2)))
    return { messages: stored.slice(from, to), hasOlder: from > 0, hasNewer: to < stored.length }
  }
  if (after) {
    const page = stored.filter(m => m.id > after).slice(0, limit)
    return { messages: page, next: stored.filter(m => m.id > after).length > limit ? page.at(-1)!.id : null }
  }
  const older = stored.filter(m => !before || m.id < before).reverse()
  const page = older.slice(0, limit)
  return { messages: page, next: older.length > limit ? page.at(-1)!.id : null }
})

beforeEach(() => {
  chat.current = createFakeChatSocket()
  setActivePinia(createPinia())
  useSessionStore().user = { username: 'ann', avatar: '/a/ann.svg', guest: false }
  stored = Array.from({ length: 60 }, (_, i) => message('general', 'bob', `Old ${i + 1}`))
})

describe('the messages store', () => {
  it('loads the latest page oldest first and pages back without duplicates', async () => {
    const messages = useMessagesStore()
    await messages.loadLatest('general')
    expect(messages.messagesOf('general').map(m => m.content.text)).toEqual(stored.slice(10).map(m => m.content.text))
    expect(messages.history.general!.hasOlder).toBe(true)
    expect(await messages.loadOlder('general')).toBe(10)
    expect(messages.messagesOf('general')).toEqual(stored)
    expect(messages.history.general!.hasOlder).toBe(false)
    expect(await messages.loadOlder('general')).toBe(0)
  })

  it('opens on a linked message and holds live messages back until newer pages reach the present', async () => {
    const messages = useMessagesStore()
    stored.push(...Array.from({ length: 60 }, (_, i) => message('general', 'bob', `New ${i + 1}`)))
    expect(await messages.loadAround('general', stored[30]!.id)).toBe(true)
    expect(messages.messagesOf('general')).toEqual(stored.slice(6, 56))
    expect(messages.history.general).toMatchObject({ hasOlder: true, hasNewer: true })

    // A live message now would leave a gap: it waits (it still counts for the room's preview).
    const live = message('general', 'bob', 'Live')
    stored.push(live)
    messages.receive(live)
    expect(messages.messagesOf('general').at(-1)).toEqual(stored[55])
    await messages.catchUpAll()
    expect(messages.messagesOf('general')).toHaveLength(50)

    expect(await messages.loadNewer('general')).toBe(50)
    expect(messages.history.general!.hasNewer).toBe(true)
    expect(await messages.loadNewer('general')).toBe(15)
    expect(messages.history.general!.hasNewer).toBe(false)
    expect(messages.messagesOf('general')).toEqual(stored.slice(6))
    const later = message('general', 'bob', 'Later')
    messages.receive(later)
    expect(messages.messagesOf('general').at(-1)).toEqual(later)
  })

  it('opens on the latest page when the linked message is not in the room', async () => {
    const messages = useMessagesStore()
    expect(await messages.loadAround('general', '0000000000001:0000000000000000')).toBe(false)
    expect(messages.messagesOf('general')).toEqual(stored.slice(10))
    expect(messages.history.general!.hasNewer).toBeUndefined()
  })

  it('adds a live message once, in id order, and counts it unread elsewhere', async () => {
    const messages = useMessagesStore()
    const rooms = useRoomsStore()
    await messages.loadLatest('general')
    const live = message('general', 'bob', 'Live')
    messages.receive(live)
    messages.receive(live)
    expect(messages.messagesOf('general').filter(m => m.id === live.id)).toHaveLength(1)
    expect(messages.messagesOf('general').at(-1)).toEqual(live)
    expect(rooms.unread).toEqual({ general: 1 })
  })

  it('catches up after a reconnect with everything stored after the newest message held', async () => {
    const messages = useMessagesStore()
    await messages.loadLatest('general')
    const missed = Array.from({ length: 3 }, (_, i) => message('general', 'bob', `Missed ${i + 1}`))
    stored.push(...missed)
    await messages.catchUpAll()
    expect(messages.messagesOf('general').slice(-3)).toEqual(missed)
    expect(messages.messagesOf('general')).toHaveLength(53)
  })

  it('catches up what was stored between reading a room and joining its live messages (a room first visited or just invited to)', async () => {
    const messages = useMessagesStore()
    const presence = usePresenceStore()
    await messages.loadLatest('general')
    const between = message('general', 'bob', 'Stored before this page was subscribed')
    const pushed = message('general', 'bob', 'Pushed live before the join was answered')
    stored.push(between, pushed)
    chat.current.joinRoom.mockImplementation(async () => {
      messages.receive(pushed)
      return { members: [], version: 1, subscribed: true }
    })
    await presence.join('general')
    expect(messages.messagesOf('general').slice(-2)).toEqual([between, pushed])
    expect(messages.messagesOf('general')).toHaveLength(52)
  })

  it('asks for nothing more when joining a room whose live messages this page already gets', async () => {
    const messages = useMessagesStore()
    const presence = usePresenceStore()
    await messages.loadLatest('general')
    stored.push(message('general', 'bob', 'Pushed live, so not read again'))
    chat.current.joinRoom.mockResolvedValue({ members: [], version: 1, subscribed: false })
    await presence.join('general')
    expect(messages.messagesOf('general')).toHaveLength(50)
  })

  it('drops the oldest messages of a long-open room beyond the limit kept', async () => {
    const messages = useMessagesStore()
    await messages.loadLatest('general')
    // 50 held + 300 more is still within a page of slack; one more and the list is cut back.
    for (let i = 0; i < KEEP_MESSAGES; i++) messages.receive(message('general', 'bob', `More ${i}`))
    messages.trim('general')
    expect(messages.messagesOf('general')).toHaveLength(KEEP_MESSAGES + 50)
    messages.receive(message('general', 'bob', 'One more'))
    messages.trim('general')
    expect(messages.messagesOf('general')).toHaveLength(KEEP_MESSAGES)
    expect(messages.messagesOf('general')[0]!.content.text).toBe('More 1')
    expect(messages.messagesOf('general').at(-1)!.content.text).toBe('One more')
    expect(messages.history.general!.hasOlder).toBe(true)
  })
})

describe('the outbox', () => {
  it('goes back to the present when sending while reading old messages', async () => {
    const messages = useMessagesStore()
    const outbox = useOutboxStore()
    await messages.loadAround('general', stored[0]!.id)
    const saved = message('general', 'ann', 'Back to now')
    chat.current.sendMessage.mockImplementation(async () => {
      stored.push(saved)
      return saved
    })
    await outbox.send('general', 'Back to now')
    expect(messages.history.general!.hasNewer).toBeUndefined()
    expect(messages.messagesOf('general').slice(-2)).toEqual([stored[59], saved])
  })

  it('shows a message as sending, then replaces it with the stored one from the acknowledgement', async () => {
    const messages = useMessagesStore()
    const outbox = useOutboxStore()
    await messages.loadLatest('general')
    const saved = message('general', 'ann', 'Hello')
    chat.current.sendMessage.mockResolvedValue(saved)
    const sending = outbox.send('general', 'Hello')
    expect(outbox.pendingOf('general').map(p => [p.text, p.status])).toEqual([['Hello', 'sending']])
    await sending
    expect(outbox.pendingOf('general')).toEqual([])
    expect(messages.messagesOf('general').at(-1)).toEqual(saved)
    const [room, text, clientId] = chat.current.sendMessage.mock.calls[0]!
    expect([room, text]).toEqual(['general', 'Hello'])
    expect(clientId).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('keeps a refused message with its reason, retries it and discards it on request', async () => {
    const messages = useMessagesStore()
    const outbox = useOutboxStore()
    await messages.loadLatest('general')
    chat.current.sendMessage.mockRejectedValueOnce(new Error('Slow down'))
    await outbox.send('general', 'Too fast')
    const [failed] = outbox.pendingOf('general')
    expect(failed).toMatchObject({ text: 'Too fast', status: 'failed', error: 'Slow down' })
    chat.current.sendMessage.mockRejectedValueOnce(new Error('Still too fast'))
    await outbox.retry('general', failed!.id)
    expect(outbox.pendingOf('general')[0]).toMatchObject({ status: 'failed', error: 'Still too fast' })
    outbox.discard('general', failed!.id)
    expect(outbox.pendingOf('general')).toEqual([])
  })

  it('marks unanswered sends as failed when the connection drops, and settles them if catching up finds them stored', async () => {
    const messages = useMessagesStore()
    const outbox = useOutboxStore()
    await messages.loadLatest('general')
    chat.current.sendMessage.mockReturnValue(new Promise(() => undefined))
    void outbox.send('general', 'In flight')
    outbox.failInFlight('Connection lost')
    const [failed] = outbox.pendingOf('general')
    expect(failed).toMatchObject({ status: 'failed', error: 'Connection lost' })
    stored.push({ ...message('general', 'ann', 'In flight'), clientId: failed!.id })
    await messages.catchUp('general')
    expect(outbox.pendingOf('general')).toEqual([])
  })

  it('catches up before offering a retry when the server did not answer in time, and settles a send it finds stored', async () => {
    const messages = useMessagesStore()
    const outbox = useOutboxStore()
    await messages.loadLatest('general')
    chat.current.sendMessage.mockImplementationOnce(async (room, text, clientId) => {
      stored.push({ ...message(room, 'ann', text), clientId })
      throw new AckTimeoutError()
    })
    await outbox.send('general', 'Slow server')
    expect(outbox.pendingOf('general')).toEqual([])
    expect(messages.messagesOf('general').at(-1)!.content.text).toBe('Slow server')
  })

  it('offers a retry with the same clientId when catching up does not find the send', async () => {
    const messages = useMessagesStore()
    const outbox = useOutboxStore()
    await messages.loadLatest('general')
    chat.current.sendMessage.mockRejectedValueOnce(new AckTimeoutError())
    await outbox.send('general', 'Lost')
    const [failed] = outbox.pendingOf('general')
    expect(failed).toMatchObject({ status: 'failed', error: 'No answer from the server' })
    chat.current.sendMessage.mockResolvedValueOnce({ ...message('general', 'ann', 'Lost'), clientId: failed!.id })
    await outbox.retry('general', failed!.id)
    expect(chat.current.sendMessage.mock.calls.map(call => call[2])).toEqual([failed!.id, failed!.id])
    expect(outbox.pendingOf('general')).toEqual([])
  })
})

describe('read markers', () => {
  it('tells the server the newest message read in the open room, once per message, never for guests', async () => {
    const messages = useMessagesStore()
    const rooms = useRoomsStore()
    const connection = useConnectionStore()
    const markers = useReadMarkersStore()
    await messages.loadLatest('general')
    rooms.enter('general')
    connection.opened()
    const newest = messages.messagesOf('general').at(-1)!.id
    markers.markRead(true)
    markers.markRead(true)
    expect(chat.current.markRead.mock.calls).toEqual([['general', newest]])
    messages.receive(message('general', 'bob', 'Newer'))
    markers.markRead(false)
    expect(chat.current.markRead).toHaveBeenCalledTimes(1)
    useSessionStore().user = { username: 'anonymous_abc123', avatar: '', guest: true }
    markers.markRead(true)
    expect(chat.current.markRead).toHaveBeenCalledTimes(1)
  })
})
