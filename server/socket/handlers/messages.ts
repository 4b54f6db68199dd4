import { messageTextSchema } from '#shared/schemas/messages'
import type { ChatMessage } from '#shared/types/chat'
import { PAGE_SIZE_DEFAULT } from '#shared/schemas/limits'
import { UserError } from '../../utils/errors.ts'
import { addMembership } from '../../utils/memberships.ts'
import { buildMessage, listMessages, saveMessage } from '../../utils/messages.ts'
import { cursor, existingRoom, field, on, requireString } from '../handler.ts'
import { stopTyping } from './typing.ts'
import { userRoom, type ChatSocket, type SocketContext } from '../types.ts'

export function registerMessageHandlers(ctx: SocketContext, socket: ChatSocket): void {
  on(socket, 'new message', (payload) => {
    const user = socket.data.user
    if (!user) throw new UserError('Can\'t send a message until you are authenticated')
    const roomValue = requireString(field(payload, 'room'), 'room')
    const text = messageTextSchema.safeParse(requireString(field(payload, 'message'), 'message'))
    if (!text.success) throw new UserError(text.error.issues[0]!.message)

    // One socket's sends pass the checks one after another and are queued for writing in that
    // order; the writer confirms in queue order, so acks and relays keep the sender's order
    // without waiting for one write to finish before the next is queued.
    const queued = socket.data.sending.then(async () => {
      const room = await existingRoom(roomValue)
      const wait = await ctx.sendLimit(user.username)
      if (wait > 0) throw new UserError(`You are sending messages too fast. Try again in ${Math.ceil(wait / 1000)} s.`)
      return { room, saved: saveMessage(buildMessage(room, user, text.data)) }
    })
    socket.data.sending = queued.then(() => {}, () => {})
    return queued.then(async ({ room, saved }): Promise<ChatMessage> => {
      const message = await saved
      if (!socket.rooms.has(room)) {
        // Writing in a room makes you a member: all your tabs now receive it.
        ctx.io.in(userRoom(user.username)).socketsJoin(room)
        addMembership(user, room).catch(() => { /* retried on the next join */ })
      }
      socket.to(room).emit('new message', message)
      stopTyping(ctx, socket, room)
      return message
    })
  })

  on(socket, 'message list', async (payload) => {
    const room = await existingRoom(field(payload, 'room'))
    return listMessages(room, { before: cursor(field(payload, 'message')), limit: PAGE_SIZE_DEFAULT })
  })

  on(socket, 'catch up', async (payload) => {
    if (!socket.data.user) throw new UserError('Sign in first')
    const room = await existingRoom(field(payload, 'room'))
    const after = cursor(field(payload, 'after'))
    if (!after) throw new UserError('Must pass a parameter `after` which is a message id')
    return listMessages(room, { after, limit: 100 })
  })
}
