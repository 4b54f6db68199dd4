import { beforeEach, describe, expect, it, vi } from 'vitest'
import { mockNuxtImport, registerEndpoint } from '@nuxt/test-utils/runtime'
import { createPinia, setActivePinia } from 'pinia'
import type { ChatMessage } from '#shared/types/chat'
import { createFakeChatSocket, message } from './fake-chat-socket'
import { serveHistory } from './history-endpoint'

const { chat } = await vi.hoisted(async () => {
  const { createFakeChatSocket } = await import('./fake-chat-socket')
  return { chat: { current: createFakeChatSocket() } }
})
mockNuxtImport('useChatSocket', () => () => chat.current)

let stored: ChatMessage[] = []
let replies: ChatMessage[] = []
serveHistory('general', () => stored)
/** The thread of the first stored message, as its routes answer. */
function serveThread(parent: ChatMessage) {
  registerEndpoint(`/api/rooms/general/messages/${parent.id}/thread`, () => ({ parent: stored[0], messages: replies, next: null, following: true }))
  registerEndpoint(`/api/rooms/general/messages/${parent.id}/thread/read`, { method: 'POST', handler: () => null })
}

beforeEach(() => {
  sessionStorage.clear()
  chat.current = createFakeChatSocket()
  setActivePinia(createPinia())
  useSessionStore().user = { username: 'ann', avatar: '/a/ann.svg', guest: false }
  stored = [message('general', 'bob', 'The parent')]
  replies = []
})

/** #general's history held and the thread of its first message open in the panel. */
async function openedThread() {
  const messages = useMessagesStore()
  const threads = useThreadsStore()
  await messages.loadLatest('general')
  const parent = stored[0]!
  serveThread(parent)
  await threads.openThread('general', parent.id)
  return { messages, threads, parent }
}

describe('threads in the page', () => {
  it('sends a reply to its thread, not to the room\'s list, and holds the stored reply once however it arrives', async () => {
    const { messages, threads, parent } = await openedThread()
    const outbox = useOutboxStore()
    const saved = { ...message('general', 'ann', 'In the thread'), thread: parent.id }
    chat.current.sendMessage.mockImplementation(async (_room, _text, clientId) => ({ ...saved, clientId }))

    await outbox.send('general', 'In the thread', { thread: parent.id })
    expect(chat.current.sendMessage.mock.calls[0]![3]).toMatchObject({ thread: parent.id })
    expect(outbox.pendingOf('general')).toEqual([])
    expect(outbox.pendingOfThread('general', parent.id)).toEqual([])
    // The relay of the same reply changes nothing.
    threads.received(saved)
    expect(threads.current!.messages.map(m => m.content.text)).toEqual(['In the thread'])
    expect(messages.messagesOf('general').map(m => m.content.text)).toEqual(['The parent'])
  })

  it('shows a thread\'s new summary under its parent in the room and in the panel, and drops it when no reply is left', async () => {
    const { messages, threads, parent } = await openedThread()
    threads.summaryChanged({ room: 'general', id: parent.id, threadCount: 2, threadLastAt: 1000, threadPeople: ['cat', 'ann'] })
    expect(messages.find('general', parent.id)).toMatchObject({ threadCount: 2, threadLastAt: 1000, threadPeople: ['cat', 'ann'] })
    expect(threads.current!.parent).toMatchObject({ threadCount: 2 })
    threads.summaryChanged({ room: 'general', id: parent.id, threadCount: 0, threadLastAt: null, threadPeople: [] })
    expect(messages.find('general', parent.id)!.threadCount).toBeUndefined()
  })

  it('words a summary as the page shows it', () => {
    expect(replyCount(1)).toBe('1 reply')
    expect(replyCount(3)).toBe('3 replies')
    const now = 10 * 86_400_000
    expect([now - 20_000, now - 2 * 60_000, now - 3 * 3_600_000, now - 86_400_000].map(t => agoText(t, now))).toEqual(['just now', '2 min ago', '3 h ago', '1 day ago'])
  })
})
