import { toWire, toWirePage } from '#shared/utils/wire'
import { requireReadableRoom } from '../../domain/rooms/access.ts'
import { changesSince } from '../../domain/messages/changes.ts'
import { deleteMessage } from '../../domain/messages/deletion.ts'
import { editMessage } from '../../domain/messages/edits.ts'
import { react } from '../../domain/messages/reactions.ts'
import { on } from '../handler.ts'
import { stopTyping } from './typing.ts'
import type { ChatSocket } from '../types.ts'

const SIGN_IN = 'Sign in first'

/**
 * Acting on stored messages: edit, delete, react, and catching up on such changes after a
 * reconnect. The domain functions relay each change to the room (Nitro hooks, see
 * server/socket/message-relay.ts), the same way for these events and the HTTP routes.
 */
export function registerMessageActionHandlers(socket: ChatSocket): void {
  on(socket, 'edit message', async ({ room, message, text }) => {
    // Saving an edit ends its author's typing, as sending does (see 'new message').
    stopTyping(socket, room)
    return toWire(await editMessage(socket.data.user!, room, message, text))
  }, { signedIn: SIGN_IN })

  on(socket, 'delete message', async ({ room, message }) => toWire(await deleteMessage(socket.data.user!, room, message)), { signedIn: SIGN_IN })

  on(socket, 'react', async ({ room, message, emoji, add }) => toWire(await react(socket.data.user!, room, message, emoji, add)), { signedIn: SIGN_IN })

  on(socket, 'catch up changes', async ({ room, since, after }) => {
    const { messages, until, next } = await changesSince((await requireReadableRoom(socket.data.user!, room)).id, since, after)
    return { ...toWirePage({ messages, next }), until }
  }, { signedIn: SIGN_IN })
}
