import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { mockNuxtImport } from '@nuxt/test-utils/runtime'
import { createPinia, setActivePinia } from 'pinia'
import { createFakeChatSocket } from './fake-chat-socket'

const { chat } = await vi.hoisted(async () => {
  const { createFakeChatSocket } = await import('./fake-chat-socket')
  return { chat: { current: createFakeChatSocket() } }
})
mockNuxtImport('useChatSocket', () => () => chat.current)

beforeEach(() => {
  chat.current = createFakeChatSocket()
  chat.current.state.connected = false
  setActivePinia(createPinia())
})
afterEach(() => vi.useRealTimers())

describe('the connection store', () => {
  it('shows the banner only for a lost connection, not for the first connect', () => {
    const connection = useConnectionStore()
    connection.reconnecting()
    expect(connection.showBanner).toBe(false)
    connection.opened()
    expect([connection.connected, connection.everConnected, connection.showBanner]).toEqual([true, true, false])
    connection.closed('transport close')
    expect([connection.status, connection.showBanner]).toEqual(['disconnected', true])
    connection.reconnecting()
    expect(connection.showBanner).toBe(true)
  })

  it('connects while someone is signed in and disconnects when they sign out', async () => {
    const connection = useConnectionStore()
    const session = useSessionStore()
    connection.start()
    expect(chat.current.connect).not.toHaveBeenCalled()
    chat.current.disconnect.mockClear()
    session.user = { username: 'ann', avatar: '', guest: false }
    await nextTick()
    expect(chat.current.connect).toHaveBeenCalledTimes(1)
    expect(connection.status).toBe('connecting')
    connection.opened()
    session.user = null
    await nextTick()
    expect(chat.current.disconnect).toHaveBeenCalledTimes(1)
    expect([connection.status, connection.everConnected]).toEqual(['idle', false])
  })

  it('reconnects by itself a second after the server closed the socket on purpose', () => {
    vi.useFakeTimers()
    const connection = useConnectionStore()
    useSessionStore().user = { username: 'ann', avatar: '', guest: false }
    connection.closed('io server disconnect')
    expect(chat.current.connect).not.toHaveBeenCalled()
    vi.advanceTimersByTime(SERVER_CLOSE_RETRY_MS)
    expect(chat.current.connect).toHaveBeenCalledTimes(1)
  })
})
