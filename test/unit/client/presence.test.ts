import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { mockNuxtImport } from '@nuxt/test-utils/runtime'
import { createPinia, setActivePinia } from 'pinia'
import type { RoomJoined } from '#shared/types/chat'
import { createFakeChatSocket } from './fake-chat-socket'

// The Nuxt app (and its socket plugin) starts before the tests: the fake exists from the start.
const { chat } = await vi.hoisted(async () => {
  const { createFakeChatSocket } = await import('./fake-chat-socket')
  return { chat: { current: createFakeChatSocket() } }
})
mockNuxtImport('useChatSocket', () => () => chat.current)

beforeEach(() => {
  chat.current = createFakeChatSocket()
  setActivePinia(createPinia())
  useSessionStore().user = { username: 'me', avatar: '/a/me.svg', guest: false }
})
afterEach(() => vi.useRealTimers())

describe('the presence store', () => {
  it('joins the room on screen, learns its members and joins it again after a reconnect', async () => {
    const presence = usePresenceStore()
    chat.current.joinRoom.mockResolvedValue({ members: [{ username: 'ann', avatar: '/a/ann.svg' }], version: 1, subscribed: false })
    await presence.join('general')
    expect(presence.viewing).toBe('general')
    expect(presence.membersOf('general')).toEqual([{ username: 'ann', avatar: '/a/ann.svg' }])
    await presence.rejoin()
    expect(chat.current.joinRoom.mock.calls).toEqual([['general'], ['general']])
    presence.leave('general')
    expect(presence.viewing).toBeNull()
    expect(chat.current.leaveRoom).toHaveBeenCalledWith('general')
  })

  it('keeps members out of the conversation: a new member list only replaces the old one', () => {
    const presence = usePresenceStore()
    presence.setMembers('general', { members: [{ username: 'ann', avatar: '' }], version: 1 })
    presence.setMembers('general', { members: [{ username: 'bob', avatar: '' }], version: 2 })
    expect(presence.membersOf('general')).toEqual([{ username: 'bob', avatar: '' }])
    expect(Object.keys(presence.$state)).not.toContain('notices')
  })

  it('keeps the newer member list when an older one arrives late (a join\'s answer after a change relayed from another instance)', async () => {
    const presence = usePresenceStore()
    const both = { members: [{ username: 'ann', avatar: '' }, { username: 'me', avatar: '' }], version: 20 }
    let answer!: (joined: RoomJoined) => void
    chat.current.joinRoom.mockReturnValue(new Promise(resolve => answer = resolve))
    const joined = presence.join('general')
    presence.setMembers('general', both)
    answer({ members: [{ username: 'me', avatar: '' }], version: 10, subscribed: false })
    await joined
    expect(presence.membersOf('general')).toEqual(both.members)
    // A reconnect starts over: the list it gets is the truth, whatever its version.
    chat.current.joinRoom.mockResolvedValue({ members: [{ username: 'me', avatar: '' }], version: 5, subscribed: false })
    presence.reset()
    await presence.join('general')
    expect(presence.membersOf('general')).toEqual([{ username: 'me', avatar: '' }])
  })

  it('keeps the newer online count when an older one arrives late (announcements of two instances cross), and starts over after a reconnect', async () => {
    const presence = usePresenceStore()
    presence.setCount({ numUsers: 12, version: 200 })
    presence.setCount({ numUsers: 11, version: 100 })
    expect(presence.numUsers).toBe(12)
    presence.setCount({ numUsers: 13, version: 300 })
    expect(presence.numUsers).toBe(13)
    await presence.rejoin()
    presence.setCount({ numUsers: 4, version: 50 })
    expect(presence.numUsers).toBe(4)
  })

  it('lists who types in a room except the reader, and forgets them after the expiry', () => {
    const presence = usePresenceStore()
    vi.useFakeTimers({ now: 10_000 })
    presence.typingStarted({ room: 'general', username: 'ann', avatar: '/a/ann.svg' })
    presence.typingStarted({ room: 'general', username: 'me' })
    expect(presence.typingIn('general')).toEqual([{ username: 'ann', avatar: '/a/ann.svg', until: 10_000 + TYPING_EXPIRY_MS }])
    presence.expireTyping(10_000 + TYPING_EXPIRY_MS - 1)
    expect(presence.typingIn('general').map(p => p.username)).toEqual(['ann'])
    presence.expireTyping(10_000 + TYPING_EXPIRY_MS)
    expect(presence.typingIn('general')).toEqual([])
  })

  it('ends a "typing" with "stop typing", and all of them when the connection drops', () => {
    const presence = usePresenceStore()
    presence.typingStarted({ room: 'general', username: 'ann' })
    presence.typingStarted({ room: 'general', username: 'bob' })
    presence.typingStopped({ room: 'general', username: 'ann' })
    expect(presence.typingIn('general').map(p => p.username)).toEqual(['bob'])
    presence.clearTyping()
    expect(presence.typing).toEqual({})
  })

  it('sends "typing" at most every refresh interval and "stop typing" once the keys are idle', () => {
    vi.useFakeTimers({ now: 0 })
    const presence = usePresenceStore()
    presence.typed('general')
    vi.advanceTimersByTime(TYPING_REFRESH_MS - 1)
    presence.typed('general')
    expect(chat.current.typing).toHaveBeenCalledTimes(1)
    vi.advanceTimersByTime(1)
    presence.typed('general')
    expect(chat.current.typing).toHaveBeenCalledTimes(2)
    vi.advanceTimersByTime(TYPING_IDLE_MS)
    expect(chat.current.stopTyping.mock.calls).toEqual([['general']])
  })

  it('counts everyone online and starts empty for another account', async () => {
    const presence = usePresenceStore()
    presence.setCount({ numUsers: 7, version: 1 })
    presence.setMembers('general', { members: [{ username: 'ann', avatar: '' }], version: 1 })
    const session = useSessionStore()
    session.owner = 'me'
    await nextTick()
    session.owner = 'someone-else'
    await nextTick()
    expect(presence.numUsers).toBeNull()
    expect(presence.members).toEqual({})
  })
})
