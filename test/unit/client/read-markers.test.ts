import { beforeEach, describe, expect, it, vi } from 'vitest'
import { mockNuxtImport } from '@nuxt/test-utils/runtime'
import { createPinia, setActivePinia } from 'pinia'
import type { ChatMessage } from '#shared/types/chat'
import { createFakeChatSocket, message } from './fake-chat-socket'
import { serveHistory } from './history-endpoint'

const { chat } = await vi.hoisted(async () => {
  const { createFakeChatSocket } = await import('./fake-chat-socket')
  return { chat: { current: createFakeChatSocket() } }
})
mockNuxtImport('useChatSocket', () => () => chat.current)

/** The room's stored history, oldest first. */
let stored: ChatMessage[] = []
serveHistory('general', () => stored)

beforeEach(() => {
  chat.current = createFakeChatSocket()
  setActivePinia(createPinia())
  useSessionStore().user = { username: 'ann', avatar: '/a/ann.svg', guest: false }
  stored = Array.from({ length: 60 }, (_, i) => message('general', 'bob', `Old ${i + 1}`))
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
