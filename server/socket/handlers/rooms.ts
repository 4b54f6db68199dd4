import { UserError } from '../../utils/errors.ts'
import { addMembership } from '../../utils/memberships.ts'
import { listRoomSummaries } from '../../utils/room-summaries.ts'
import { messageIdSchema } from '#shared/schemas/messages'
import { markRead } from '../../utils/read-markers.ts'
import { existingRoom, field, on } from '../handler.ts'
import { userRoom, type ChatSocket, type SocketContext } from '../types.ts'

export function registerRoomHandlers(ctx: SocketContext, socket: ChatSocket): void {
  on(socket, 'room list', () => listRoomSummaries(socket.data.user))

  /** The room this socket is looking at: subscribes it and lists who else is looking. */
  on(socket, 'join room', async (value) => {
    const user = socket.data.user
    if (!user) throw new UserError('Sign in first')
    const room = await existingRoom(value)
    const member = { username: user.username, avatar: user.avatar }
    if (socket.data.viewing && socket.data.viewing !== room) await leave(socket.data.viewing)
    if (!socket.rooms.has(room)) {
      ctx.io.in(userRoom(user.username)).socketsJoin(room)
      socket.join(room)
      await addMembership(user, room)
    }
    if (socket.data.viewing === room) return { members: await ctx.presence.viewers(room) }
    socket.data.viewing = room
    const { changed, members } = await ctx.presence.view(room, member)
    if (changed) socket.to(room).emit('room members', { room, members })
    return { members }
  })

  async function leave(room: string) {
    const user = socket.data.user
    if (!user || socket.data.viewing !== room) return
    socket.data.viewing = null
    const { changed, members } = await ctx.presence.unview(room, { username: user.username, avatar: user.avatar })
    if (changed) socket.to(room).emit('room members', { room, members })
  }

  on(socket, 'leave room', (value) => {
    if (typeof value === 'string') return leave(value)
  })

  on(socket, 'mark read', async (payload) => {
    const user = socket.data.user
    if (!user) throw new UserError('Sign in first')
    const room = await existingRoom(field(payload, 'room'))
    const message = messageIdSchema.safeParse(field(payload, 'message'))
    if (!message.success) throw new UserError('Must pass a parameter `message` which is a message id')
    await markRead(user, room, message.data)
    socket.to(userRoom(user.username)).emit('room read', { room, message: message.data })
  })
}
