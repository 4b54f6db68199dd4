import { describe, expect, it, vi } from 'vitest'
import { mockNuxtImport } from '@nuxt/test-utils/runtime'
import { message } from './fake-chat-socket'
import { storeTestRoom } from './history-endpoint'

const { chat } = await vi.hoisted(async () => {
  const { createFakeChatSocket } = await import('./fake-chat-socket')
  return { chat: { current: createFakeChatSocket() } }
})
mockNuxtImport('useChatSocket', () => () => chat.current)

storeTestRoom(chat)

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
