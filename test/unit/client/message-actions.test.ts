import { beforeEach, describe, expect, it, vi } from 'vitest'
import { mockNuxtImport, registerEndpoint } from '@nuxt/test-utils/runtime'
import { createPinia, setActivePinia } from 'pinia'
import type { ChatMessage } from '#shared/types/chat'
import { toWire } from '#shared/utils/wire'
import { createFakeChatSocket, message } from './fake-chat-socket'

const { chat } = await vi.hoisted(async () => {
  const { createFakeChatSocket } = await import('./fake-chat-socket')
  return { chat: { current: createFakeChatSocket() } }
})
mockNuxtImport('useChatSocket', () => () => chat.current)

let stored: ChatMessage[] = []
/** The server's clock when it reads the history. */
const SERVER_TIME = 1_800_000_000_000
registerEndpoint('/api/rooms/actions/messages', (event) => {
  const query = new URL(event.node.req.url!, 'http://x').searchParams
  const limit = Number(query.get('limit'))
  const before = query.get('before')
  const older = stored.filter(m => !before || m.id < before).reverse()
  const page = older.slice(0, limit)
  return { messages: page, next: older.length > limit ? page.at(-1)!.id : null, until: SERVER_TIME }
})

beforeEach(() => {
  chat.current = createFakeChatSocket()
  setActivePinia(createPinia())
  useSessionStore().user = { username: 'ann', avatar: '/a/ann.svg', guest: false }
  stored = Array.from({ length: 120 }, (_, i) => message('actions', i % 2 ? 'ann' : 'bob', `Line ${i + 1}`))
})

describe('the message actions store', () => {
  it('takes the words of a deleted original out of the quotes of the replies held, even when the original is not held', async () => {
    const original = stored[0]!
    stored.push({ ...message('actions', 'bob', 'noted'), replyTo: { id: original.id, username: original.username, text: 'the door code is 1234' } })
    const messages = useMessagesStore()
    const actions = useMessageActionsStore()
    await messages.loadLatest('actions')
    expect(messages.messagesOf('actions').some(m => m.id === original.id)).toBe(false)
    actions.deleted('actions', original.id)
    expect(messages.messagesOf('actions').at(-1)!.replyTo).toEqual({ id: original.id, username: original.username, text: '', deleted: true })
  })

  it('applies a live edit, a deletion and reactions to the held message, idempotently', async () => {
    const messages = useMessagesStore()
    const actions = useMessageActionsStore()
    await messages.loadLatest('actions')
    const target = messages.messagesOf('actions').at(-1)!
    actions.update({ ...target, content: { text: 'edited' }, editedAt: 5 })
    expect(messages.messagesOf('actions').at(-1)).toMatchObject({ content: { text: 'edited' }, editedAt: 5 })

    const change = { room: 'actions', message: target.id, emoji: '🎉', username: 'bob', added: true }
    actions.reacted(change)
    actions.reacted(change)
    actions.reacted({ ...change, username: 'ann' })
    expect(messages.messagesOf('actions').at(-1)!.reactions).toEqual({ '🎉': ['ann', 'bob'] })
    actions.reacted({ ...change, added: false })
    actions.reacted({ ...change, username: 'ann', added: false })
    expect(messages.messagesOf('actions').at(-1)!.reactions).toBeUndefined()

    actions.deleted('actions', target.id)
    expect(messages.messagesOf('actions').at(-1)).toMatchObject({ deleted: true, content: { text: '' } })
  })

  it('reacts when the reader has not, and takes the reaction back when they have', async () => {
    const messages = useMessagesStore()
    const actions = useMessageActionsStore()
    await messages.loadLatest('actions')
    const target = messages.messagesOf('actions').at(-1)!
    chat.current.react.mockResolvedValueOnce({ ...target, reactions: { '👍': ['ann'] } })
    await actions.toggleReaction('actions', target.id, '👍')
    expect(chat.current.react).toHaveBeenLastCalledWith('actions', target.id, '👍', true)
    chat.current.react.mockResolvedValueOnce({ ...target })
    await actions.toggleReaction('actions', target.id, '👍')
    expect(chat.current.react).toHaveBeenLastCalledWith('actions', target.id, '👍', false)
    expect(messages.messagesOf('actions').at(-1)!.reactions).toBeUndefined()
  })

  it('keeps what the composer does per room: a reply ends an edit and the other way round, and a saved edit ends editing', async () => {
    const messages = useMessagesStore()
    const actions = useMessageActionsStore()
    await messages.loadLatest('actions')
    const [theirs, mine] = messages.messagesOf('actions').slice(-2)
    actions.startEditing('actions', mine!.id)
    actions.startReply(theirs!)
    expect([actions.editing.actions, actions.replyingTo.actions]).toEqual([null, { id: theirs!.id, username: 'bob', text: theirs!.content.text }])
    actions.startEditing('actions', mine!.id)
    expect([actions.editing.actions, actions.replyingTo.actions]).toEqual([mine!.id, null])
    chat.current.editMessage.mockResolvedValueOnce({ ...mine!, content: { text: 'fixed' }, editedAt: 2 })
    await actions.saveEdit('actions', mine!.id, 'fixed')
    expect(actions.editing.actions).toBeNull()
    expect(messages.find('actions', mine!.id)!.content.text).toBe('fixed')
    actions.startReply(theirs!)
    actions.cancel('actions')
    expect([actions.editing.actions, actions.replyingTo.actions]).toEqual([null, null])
  })

  it('finds the reader\'s last message to edit with ↑, skipping deleted ones', async () => {
    const messages = useMessagesStore()
    const actions = useMessageActionsStore()
    await messages.loadLatest('actions')
    const mine = messages.messagesOf('actions').filter(m => m.username === 'ann')
    actions.deleted('actions', mine.at(-1)!.id)
    expect(actions.lastEditable('actions')!.id).toBe(mine.at(-2)!.id)
  })

  it('loads older pages to jump to a reply\'s original, and highlights it', async () => {
    const messages = useMessagesStore()
    const actions = useMessageActionsStore()
    await messages.loadLatest('actions')
    expect(await actions.jumpTo('actions', stored[3]!.id)).toBe(true)
    expect(actions.highlighted).toMatchObject({ room: 'actions', id: stored[3]!.id })
    expect(await actions.jumpTo('actions', '0000000000001:00')).toBe(false)
  })

  it('catches up on changes from the server\'s time of reading the history, whatever the page\'s clock says', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(SERVER_TIME + 10 * 60_000)
    try {
      const messages = useMessagesStore()
      const actions = useMessageActionsStore()
      await messages.loadLatest('actions')
      chat.current.catchUpChanges.mockResolvedValueOnce({ messages: [], until: SERVER_TIME + 5_000, next: null })
      await actions.catchUp('actions')
      expect(chat.current.catchUpChanges.mock.calls).toEqual([['actions', SERVER_TIME, undefined]])
    }
    finally {
      vi.useRealTimers()
    }
  })

  it('catches up on changes page by page and moves the room\'s sync time forward', async () => {
    const messages = useMessagesStore()
    const actions = useMessageActionsStore()
    await messages.loadLatest('actions')
    const since = messages.history.actions!.syncedAt
    const [one, two] = messages.messagesOf('actions').slice(-2)
    chat.current.catchUpChanges
      .mockResolvedValueOnce({ messages: [toWire({ ...one!, content: { text: 'one, edited' }, editedAt: 1 })], until: since + 10, next: '0000000000002:00' })
      .mockResolvedValueOnce({ messages: [toWire({ ...two!, content: { text: '' }, deleted: true })], until: since + 20, next: null })
    await actions.catchUp('actions')
    expect(chat.current.catchUpChanges.mock.calls).toEqual([['actions', since, undefined], ['actions', since, '0000000000002:00']])
    expect(messages.messagesOf('actions').slice(-2).map(m => [m.content.text, m.deleted ?? false])).toEqual([['one, edited', false], ['', true]])
    expect(messages.history.actions!.syncedAt).toBe(since + 20)
  })
})
