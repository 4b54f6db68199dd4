import { requireReadableRoom } from '../../domain/rooms/access.ts'
import { clearMentions, forgetReader, joinOnVisit } from '../../domain/rooms/memberships.ts'
import { markRead } from '../../domain/rooms/read-markers.ts'
import { listRoomSummaries } from '../../domain/rooms/summaries.ts'
import { on } from '../handler.ts'
import { userRoom, type ChatSocket, type SocketContext } from '../types.ts'

export function registerRoomHandlers(ctx: SocketContext, socket: ChatSocket): void {
  on(socket, 'room list', () => listRoomSummaries(socket.data.user!), { signedIn: 'Sign in first' })

  /**
   * The room this socket is looking at: subscribes it and lists who else is looking. Subscribing
   * here means the tab read the history before it got live messages: the answer says so.
   */
  on(socket, 'join room', async (value) => {
    const user = socket.data.user!
    const { id: room } = await requireReadableRoom(user, value)
    const member = { username: user.username, avatar: user.avatar }
    if (socket.data.viewing && socket.data.viewing !== room) await leave(socket.data.viewing)
    const subscribed = !socket.rooms.has(room)
    if (subscribed) {
      ctx.io.in(userRoom(user.username)).socketsJoin(room)
      socket.join(room)
      await joinOnVisit(user, room)
    }
    if (socket.data.viewing === room) return { ...await ctx.presence.viewers(room), subscribed }
    socket.data.viewing = room
    const { changed, ...viewers } = await ctx.presence.view(room, member)
    if (changed) socket.to(room).emit('room members', { room, ...viewers })
    return { ...viewers, subscribed }
  }, { signedIn: 'Sign in first' })

  async function leave(room: string) {
    const user = socket.data.user
    if (!user || socket.data.viewing !== room) return
    socket.data.viewing = null
    const { changed, ...viewers } = await ctx.presence.unview(room, { username: user.username, avatar: user.avatar })
    if (changed) socket.to(room).emit('room members', { room, ...viewers })
  }

  on(socket, 'leave room', leave)

  on(socket, 'mark read', async ({ room, message }) => {
    const user = socket.data.user!
    const { id } = await requireReadableRoom(user, room)
    await Promise.all([markRead(user, id, message), user.guest ? undefined : clearMentions(id, user.username)])
    forgetReader(user.username)
    socket.to(userRoom(user.username)).emit('room read', { room, message })
  }, { signedIn: 'Sign in first' })
}
