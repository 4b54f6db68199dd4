import { beforeEach, describe, expect, it, vi } from 'vitest'
import { mockNuxtImport } from '@nuxt/test-utils/runtime'
import { createError } from 'h3'
import type { ChatMessage } from '#shared/types/chat'
import { createFakeChatSocket, message, oldMessages, signInAnn } from './fake-chat-socket'
import { serveHistory } from './history-endpoint'

const { chat } = await vi.hoisted(async () => {
  const { createFakeChatSocket } = await import('./fake-chat-socket')
  return { chat: { current: createFakeChatSocket() } }
})
mockNuxtImport('useChatSocket', () => () => chat.current)

/** The room's stored history, oldest first. */
let stored: ChatMessage[] = []
/** The history endpoint answers 503 while true. */
let failing = false
serveHistory('general', () => {
  if (failing) throw createError({ statusCode: 503, message: 'Try again' })
  return stored
})

beforeEach(() => {
  failing = false
  chat.current = createFakeChatSocket()
  signInAnn()
  stored = oldMessages('general')
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

  it('catches up after a relay outage on what the other instance stored, though this instance\'s messages and its own sends kept arriving', async () => {
    const messages = useMessagesStore()
    await messages.loadLatest('general')
    // Redis is away: the other instance's messages are stored but never relayed to this page…
    const unseen = [message('general', 'bob', 'From the other instance 1'), message('general', 'bob', 'From the other instance 2')]
    // …while this page's instance still pushes its own senders' messages, and acknowledges its sends.
    const live = message('general', 'cat', 'From this page\'s instance')
    const mine = message('general', 'ann', 'My own, acknowledged')
    stored.push(...unseen, live, mine)
    messages.receive(live)
    messages.sent(mine)
    // Redis is back: the server closes the transport and the page reconnects.
    await messages.catchUpAll()
    expect(messages.messagesOf('general').slice(-4)).toEqual([...unseen, live, mine])
    expect(messages.messagesOf('general')).toHaveLength(54)
  })

  it('leaves what is older than everything held to the older pages when catching up reaches back past it', async () => {
    const messages = useMessagesStore()
    // A busy room: 120 messages within 12 s, so the catch-up's margin reaches past the latest page.
    const now = Date.now()
    stored = Array.from({ length: 120 }, (_, i) => message('general', 'bob', `Busy ${i + 1}`, now - 12_000 + i * 100))
    await messages.loadLatest('general')
    await messages.catchUpAll()
    expect(messages.messagesOf('general')).toEqual(stored.slice(70))
    expect(await messages.loadOlder('general')).toBe(50)
  })

  it('goes back to when the server says relays were lost, however long the outage, and keeps that point until a catch-up gets through', async () => {
    const messages = useMessagesStore()
    await messages.loadLatest('general')
    const outageStart = stored.at(-1)!.time + 1000
    const unseen = message('general', 'bob', 'From the other instance, early in the outage', outageStart + 5_000)
    const live = message('general', 'cat', 'From this page\'s instance, ten minutes later', outageStart + 600_000)
    stored.push(unseen, live)
    messages.receive(live)
    messages.deliveriesLost(outageStart)
    // The server closes the transport right after saying so; the first catch-up fails (the database is slow to come back).
    messages.deliveriesLost()
    stored.push(message('general', 'bob', 'Stored after the outage', outageStart + 600_001))
    failing = true
    await messages.catchUpAll()
    failing = false
    expect(messages.messagesOf('general').map(m => m.content.text)).not.toContain(unseen.content.text)
    await messages.catchUpAll()
    expect(messages.messagesOf('general').slice(-3).map(m => m.content.text)).toEqual([unseen, live, stored.at(-1)!].map(m => m.content.text))
    expect(messages.history.general!.resumeAfter).toBeUndefined()
  })

  it('keeps the point when deliveries stop again while a catch-up is reading', async () => {
    const messages = useMessagesStore()
    await messages.loadLatest('general')
    messages.deliveriesLost()
    const point = messages.history.general!.resumeAfter
    expect(point).toBeDefined()
    const reading = messages.catchUpAll()
    messages.deliveriesLost()
    await reading
    expect(messages.history.general!.resumeAfter).toBe(point)
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
