import { beforeEach } from 'vitest'
import { registerEndpoint } from '@nuxt/test-utils/runtime'
import { createError } from 'h3'
import type { ChatMessage } from '#shared/types/chat'
import { createFakeChatSocket, oldMessages, signInAnn } from './fake-chat-socket'

/** Serves a room's stored history (`messages()`, oldest first) at its route, paged as the server pages it. */
export function serveHistory(room: string, messages: () => ChatMessage[]) {
  registerEndpoint(`/api/rooms/${room}/messages`, (event) => {
    const stored = messages()
    const query = new URL(event.node.req.url!, 'http://x').searchParams
    const limit = Number(query.get('limit'))
    const after = query.get('after')
    const before = query.get('before')
    const around = query.get('around')
    if (around) {
      const at = stored.findIndex(m => m.id === around)
      if (at < 0) throw createError({ statusCode: 404, message: 'There is no message' })
      const from = Math.max(0, at - Math.floor((limit - 1) / 2))
      const to = Math.min(stored.length, at + 1 + (limit - 1 - Math.floor((limit - 1) / 2)))
      return { messages: stored.slice(from, to), hasOlder: from > 0, hasNewer: to < stored.length }
    }
    if (after) {
      const page = stored.filter(m => m.id > after).slice(0, limit)
      return { messages: page, next: stored.filter(m => m.id > after).length > limit ? page.at(-1)!.id : null }
    }
    const older = stored.filter(m => !before || m.id < before).reverse()
    const page = older.slice(0, limit)
    return { messages: page, next: older.length > limit ? page.at(-1)!.id : null }
  })
}

/**
 * #general as store tests find it: its history served at its route, and before each test fresh
 * stores, Ann signed in, a fresh fake socket in `chat` and 60 stored messages from Bob. The array
 * answered is the stored history, oldest first: tests change it in place.
 */
export function storeTestRoom(chat: { current: ReturnType<typeof createFakeChatSocket> }): ChatMessage[] {
  const stored: ChatMessage[] = []
  serveHistory('general', () => stored)
  beforeEach(() => {
    chat.current = createFakeChatSocket()
    signInAnn()
    stored.splice(0, stored.length, ...oldMessages('general'))
  })
  return stored
}
