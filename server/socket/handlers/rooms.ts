import { readRoom, visitRoom } from '../../domain/rooms/reading.ts'
import { listRoomSummaries } from '../../domain/rooms/summaries.ts'
import { on } from '../handler.ts'
import { inTurn, userRoom, viewersRoom, type ChatSocket, type SocketContext } from '../types.ts'

export function registerRoomHandlers(ctx: SocketContext, socket: ChatSocket): void {
  on(socket, 'room list', () => listRoomSummaries(socket.data.user!), { signedIn: 'Sign in first' })

  /**
   * The room this socket is looking at: subscribes it and lists who else is looking. Subscribing
   * here means the tab read the history before it got live messages: the answer says so.
   */
  on(socket, 'join room', value => inTurn(socket, async () => {
    const user = socket.data.user!
    const { id: room } = await visitRoom(user, value)
    // Closed while the room was read: nobody hears the answer, and nothing must outlive the socket.
    if (socket.disconnected) return { members: [], version: 0, subscribed: false }
    const member = { username: user.username, avatar: user.avatar }
    if (socket.data.viewing && socket.data.viewing !== room) await leave(socket.data.viewing)
    const subscribed = !socket.rooms.has(room)
    if (subscribed) {
      ctx.io.in(userRoom(user.username)).socketsJoin(room)
      socket.join(room)
    }
    if (socket.data.viewing === room) return { ...await ctx.presence.viewers(room), subscribed }
    socket.data.viewing = room
    socket.join(viewersRoom(room))
    const { changed, ...viewers } = await ctx.presence.view(room, member)
    if (changed) ctx.announceViewers(room, viewers)
    return { ...viewers, subscribed }
  }), { signedIn: 'Sign in first' })

  async function leave(room: string) {
    const user = socket.data.user
    if (!user || socket.data.viewing !== room) return
    socket.data.viewing = null
    socket.leave(viewersRoom(room))
    const { changed, ...viewers } = await ctx.presence.unview(room, { username: user.username, avatar: user.avatar })
    if (changed) ctx.announceViewers(room, viewers)
  }

  on(socket, 'leave room', room => inTurn(socket, () => leave(room)))

  // Only a change matters: coming back from away re-announces the rooms this person looks at.
  on(socket, 'active', async () => {
    const user = socket.data.user
    if (user && await ctx.presence.active(user.username)) ctx.awayChanged(user.username)
  })

  on(socket, 'mark read', ({ room, message }) => readRoom(socket.data.user!, room, message, socket.id), { signedIn: 'Sign in first' })
}
