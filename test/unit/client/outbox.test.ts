import { beforeEach, describe, expect, it, vi } from 'vitest'
import { mockNuxtImport } from '@nuxt/test-utils/runtime'
import { createPinia, setActivePinia } from 'pinia'
import { message } from './fake-chat-socket'
import { storeTestRoom } from './history-endpoint'

const { chat } = await vi.hoisted(async () => {
  const { createFakeChatSocket } = await import('./fake-chat-socket')
  return { chat: { current: createFakeChatSocket() } }
})
mockNuxtImport('useChatSocket', () => () => chat.current)

const stored = storeTestRoom(chat)

beforeEach(() => {
  sessionStorage.clear()
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

  it('keeps messages typed while offline waiting, then sends them in the order typed, each once, when the connection is back', async () => {
    const messages = useMessagesStore()
    const outbox = useOutboxStore()
    await messages.loadLatest('general')
    chat.current.state.connected = false
    await outbox.send('general', 'First, offline')
    await outbox.send('general', 'Second, offline')
    expect(outbox.pendingOf('general').map(p => [p.text, p.status])).toEqual([['First, offline', 'queued'], ['Second, offline', 'queued']])
    expect(chat.current.sendMessage).not.toHaveBeenCalled()
    const ids = outbox.pendingOf('general').map(p => p.id)
    chat.current.sendMessage.mockImplementation(async (room, text, clientId) => ({ ...message(room, 'ann', text), clientId }))
    chat.current.state.connected = true
    await outbox.flush()
    await outbox.flush()
    expect(chat.current.sendMessage.mock.calls.map(call => [call[1], call[2]])).toEqual([['First, offline', ids[0]], ['Second, offline', ids[1]]])
    expect(outbox.pendingOf('general')).toEqual([])
    expect(messages.messagesOf('general').slice(-2).map(m => m.content.text)).toEqual(['First, offline', 'Second, offline'])
  })

  it('keeps unsent messages across a reload of the tab, for the account that typed them only, and forgets them on signing out', async () => {
    chat.current.state.connected = false
    const outbox = useOutboxStore()
    await outbox.send('general', 'Typed before the reload')
    const [typed] = outbox.pendingOf('general')
    // The reload: new stores, the same tab's storage.
    setActivePinia(createPinia())
    useSessionStore().user = { username: 'ann', avatar: '/a/ann.svg', guest: false }
    const reloaded = useOutboxStore()
    expect(reloaded.pendingOf('general')).toEqual([])
    reloaded.restore()
    expect(reloaded.pendingOf('general')).toEqual([{ ...typed, status: 'queued' }])
    // Another account on the same tab sees none of it.
    setActivePinia(createPinia())
    useSessionStore().user = { username: 'bob', avatar: '/a/bob.svg', guest: false }
    const bobs = useOutboxStore()
    bobs.restore()
    expect(bobs.pendingOf('general')).toEqual([])
    // Ann signs out: nothing of hers is left in the tab.
    setActivePinia(createPinia())
    const again = useSessionStore()
    again.user = { username: 'ann', avatar: '/a/ann.svg', guest: false }
    const annsAgain = useOutboxStore()
    annsAgain.restore()
    expect(annsAgain.pendingOf('general')).toHaveLength(1)
    again.user = null
    await nextTick()
    expect(annsAgain.pendingOf('general')).toEqual([])
    expect(sessionStorage.getItem('fargate-chat:outbox:ann')).toBeNull()
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

  it('puts unanswered sends back in the queue when the connection drops, and settles them if catching up finds them stored', async () => {
    const messages = useMessagesStore()
    const outbox = useOutboxStore()
    await messages.loadLatest('general')
    chat.current.sendMessage.mockReturnValue(new Promise(() => undefined))
    void outbox.send('general', 'In flight')
    chat.current.state.connected = false
    outbox.connectionLost()
    const [waiting] = outbox.pendingOf('general')
    expect(waiting).toMatchObject({ status: 'queued', error: null })
    stored.push({ ...message('general', 'ann', 'In flight'), clientId: waiting!.id })
    await messages.catchUp('general')
    expect(outbox.pendingOf('general')).toEqual([])
  })

  it('sends again under the same client id what had no answer when the connection dropped, and ignores a late failure of the first attempt', async () => {
    const messages = useMessagesStore()
    const outbox = useOutboxStore()
    await messages.loadLatest('general')
    let fail!: (error: Error) => void
    chat.current.sendMessage.mockReturnValueOnce(new Promise((_, reject) => fail = reject))
    const first = outbox.send('general', 'Lost with the connection')
    chat.current.state.connected = false
    outbox.connectionLost()
    chat.current.state.connected = true
    chat.current.sendMessage.mockImplementationOnce(async (room, text, clientId) => ({ ...message(room, 'ann', text), clientId }))
    const [waiting] = outbox.pendingOf('general')
    await outbox.flush()
    fail(new AckTimeoutError())
    await first
    expect(chat.current.sendMessage.mock.calls.map(call => call[2])).toEqual([waiting!.id, waiting!.id])
    expect(outbox.pendingOf('general')).toEqual([])
    expect(messages.messagesOf('general').at(-1)!.content.text).toBe('Lost with the connection')
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
