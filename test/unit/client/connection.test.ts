import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { mockNuxtImport, registerEndpoint } from '@nuxt/test-utils/runtime'
import { createPinia, setActivePinia } from 'pinia'
import { createFakeChatSocket } from './fake-chat-socket'

const { chat } = await vi.hoisted(async () => {
  const { createFakeChatSocket } = await import('./fake-chat-socket')
  return { chat: { current: createFakeChatSocket() } }
})
mockNuxtImport('useChatSocket', () => () => chat.current)

/** Who /api/auth/me says is signed in. */
const me: { current: { username: string, avatar: string, guest: boolean } | null } = { current: null }
registerEndpoint('/api/auth/me', () => ({ user: me.current }))

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

  it('asks who is signed in a second after the server closed the socket on purpose, then reconnects', async () => {
    vi.useFakeTimers()
    me.current = { username: 'ann', avatar: '', guest: false }
    const connection = useConnectionStore()
    useSessionStore().user = { username: 'ann', avatar: '', guest: false }
    connection.closed('io server disconnect')
    expect(chat.current.connect).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(SERVER_CLOSE_RETRY_MS)
    await vi.waitFor(() => expect(chat.current.connect).toHaveBeenCalledTimes(1))
  })

  it('does not reconnect a page whose session ended elsewhere, and forgets who was signed in', async () => {
    vi.useFakeTimers()
    me.current = null
    const connection = useConnectionStore()
    const session = useSessionStore()
    session.user = { username: 'ann', avatar: '', guest: false }
    connection.closed('io server disconnect')
    await vi.advanceTimersByTimeAsync(SERVER_CLOSE_RETRY_MS)
    await vi.waitFor(() => expect(session.user).toBeNull())
    expect(chat.current.connect).not.toHaveBeenCalled()
  })
})
