import type { WireMessage } from '#shared/types/socket'
import { toWire, toWirePage } from '#shared/utils/wire'
import { PAGE_SIZE_DEFAULT } from '#shared/schemas/limits'
import { readHistory } from '../../domain/messages/history.ts'
import { queueMessage } from '../../domain/messages/sending.ts'
import { on } from '../handler.ts'
import { stopTyping } from './typing.ts'
import type { ChatSocket } from '../types.ts'
import { metrics } from '../../core/metrics.ts'

const SIGN_IN_TO_SEND = 'Can\'t send a message until you are authenticated'

export function registerMessageHandlers(socket: ChatSocket): void {
  on(socket, 'new message', ({ room, message: text, clientId, attachments, replyTo, thread, alsoToRoom }) => {
    const received = performance.now()
    const user = socket.data.user!
    // The message ends its author's typing now, in order with what the socket sends next: ending it
    // once stored would also end a next message begun meanwhile.
    stopTyping(socket, room)
    // One socket's sends pass the checks one after another and are queued for writing in that
    // order; the writer confirms in queue order, so acks and relays keep the sender's order
    // without waiting for one write to finish before the next is queued.
    const queued = socket.data.sending.then(() => queueMessage(user, { room, text, clientId, attachments, replyTo, thread, alsoToRoom }, socket.id))
    socket.data.sending = queued.then(() => {}, () => {})
    return queued.then(async ({ stored }): Promise<WireMessage> => {
      const message = await stored
      metrics.timing('AckLatency', performance.now() - received)
      return toWire(message)
    })
  }, { signedIn: SIGN_IN_TO_SEND })

  on(socket, 'message list', async ({ room, message: before }) => {
    return toWirePage(await readHistory(socket.data.user!, room, { before: before ?? undefined, limit: PAGE_SIZE_DEFAULT }))
  }, { signedIn: 'Sign in first' })

  on(socket, 'catch up', async ({ room, after }) => {
    return toWirePage(await readHistory(socket.data.user!, room, { after, limit: 100 }))
  }, { signedIn: 'Sign in first' })
}
