import { roomIdSchema } from '#shared/schemas/rooms'
import { on } from '../handler.ts'
import type { ChatSocket, SocketContext } from '../types.ts'

/** A typing indicator ends by itself this long after the last 'typing'. */
const TYPING_TTL_MS = 3_000
/** Refreshes are relayed at most this often, so viewers can expire indicators on their side too. */
const RELAY_EVERY_MS = 2_000

export function stopTyping(ctx: SocketContext, socket: ChatSocket, room: string): void {
  const typing = socket.data.typing?.get(room)
  if (!typing || !socket.data.user) return
  clearTimeout(typing.timer)
  socket.data.typing!.delete(room)
  socket.to(room).emit('stop typing', { room, username: socket.data.user.username })
}

export function stopAllTyping(ctx: SocketContext, socket: ChatSocket): void {
  for (const room of [...socket.data.typing?.keys() ?? []]) stopTyping(ctx, socket, room)
}

export function registerTypingHandlers(ctx: SocketContext, socket: ChatSocket): void {
  // Typing is only relayed for rooms this socket is subscribed to; anything else is ignored.
  const subscribed = (value: unknown): string | null => {
    const room = roomIdSchema.safeParse(value)
    return room.success && socket.data.user && socket.rooms.has(room.data) ? room.data : null
  }

  on(socket, 'typing', (value) => {
    const room = subscribed(value)
    if (!room) return
    const user = socket.data.user!
    socket.data.typing ??= new Map()
    const previous = socket.data.typing.get(room)
    const now = Date.now()
    if (previous) clearTimeout(previous.timer)
    if (!previous || now - previous.relayedAt >= RELAY_EVERY_MS) socket.to(room).emit('typing', { room, username: user.username, avatar: user.avatar })
    socket.data.typing.set(room, {
      timer: setTimeout(() => stopTyping(ctx, socket, room), TYPING_TTL_MS),
      relayedAt: previous && now - previous.relayedAt < RELAY_EVERY_MS ? previous.relayedAt : now,
    })
  })

  on(socket, 'stop typing', (value) => {
    const room = subscribed(value)
    if (room) stopTyping(ctx, socket, room)
  })
}
