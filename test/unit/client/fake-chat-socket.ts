import { vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { useSessionStore } from '../../../stores/session'
import type { ChatMessage, RoomJoined } from '#shared/types/chat'
import type { WireChangePage } from '#shared/types/socket'
import type { SendExtras } from '../../../composables/useChatSocket'

/**
 * What the stores see of the socket (composables/useChatSocket), recorded. Store unit tests
 * replace the composable with this; the real connection is covered by the browser tests.
 */
export function createFakeChatSocket() {
  const state = { connected: true }
  return {
    state,
    isConnected: vi.fn(() => state.connected),
    connect: vi.fn(),
    disconnect: vi.fn(),
    sendMessage: vi.fn<(room: string, message: string, clientId: string, extras?: SendExtras) => Promise<ChatMessage>>(),
    editMessage: vi.fn<(room: string, message: string, text: string) => Promise<ChatMessage>>(),
    deleteMessage: vi.fn<(room: string, message: string) => Promise<ChatMessage>>(),
    react: vi.fn<(room: string, message: string, emoji: string, add: boolean) => Promise<ChatMessage>>(),
    catchUpChanges: vi.fn<(room: string, since: number, after?: string) => Promise<WireChangePage>>(),
    joinRoom: vi.fn<(room: string) => Promise<RoomJoined>>(),
    leaveRoom: vi.fn<(room: string) => void>(),
    typing: vi.fn<(room: string) => void>(),
    stopTyping: vi.fn<(room: string) => void>(),
    markRead: vi.fn<(room: string, message: string) => void>(),
    active: vi.fn<() => void>(),
  }
}

let counter = 0
/** A stored message with an id that sorts after every earlier one made here. */
export function message(room: string, username: string, text: string, time = 1_700_000_000_000 + ++counter * 1000): ChatMessage {
  return { id: `${String(time).padStart(13, '0')}:${counter.toString(16).padStart(16, '0')}`, room, username, avatar: `/a/${username}.svg`, time, content: { text } }
}

/** Fresh stores, with Ann signed in (not a guest): what every store test starts from. */
export function signInAnn(): void {
  setActivePinia(createPinia())
  useSessionStore().user = { username: 'ann', avatar: '/a/ann.svg', guest: false }
}

/** A room's history of `count` messages from Bob, oldest first ("Old 1", "Old 2"…). */
export function oldMessages(room: string, count = 60): ChatMessage[] {
  return Array.from({ length: count }, (_, i) => message(room, 'bob', `Old ${i + 1}`))
}
