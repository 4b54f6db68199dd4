import { on } from '../handler.ts'
import type { ChatSocket } from '../types.ts'

/** A typing indicator ends by itself this long after the last 'typing'. */
const TYPING_TTL_MS = 3_000
/** Refreshes are relayed at most this often, so viewers can expire indicators on their side too. */
const RELAY_EVERY_MS = 2_000

export function stopTyping(socket: ChatSocket, room: string): void {
  const typing = socket.data.typing?.get(room)
  if (!typing || !socket.data.user) return
  clearTimeout(typing.timer)
  socket.data.typing!.delete(room)
  socket.to(room).emit('stop typing', { room, username: socket.data.user.username })
}

export function stopAllTyping(socket: ChatSocket): void {
  for (const room of [...socket.data.typing?.keys() ?? []]) stopTyping(socket, room)
}

export function registerTypingHandlers(socket: ChatSocket): void {
  // Typing is only relayed for rooms this socket is subscribed to; anything else is ignored.
  on(socket, 'typing', (room) => {
    const user = socket.data.user
    if (!user || !socket.rooms.has(room)) return
    socket.data.typing ??= new Map()
    const previous = socket.data.typing.get(room)
    const now = Date.now()
    if (previous) clearTimeout(previous.timer)
    const relay = !previous || now - previous.relayedAt >= RELAY_EVERY_MS
    if (relay) socket.to(room).emit('typing', { room, username: user.username, avatar: user.avatar })
    socket.data.typing.set(room, {
      timer: setTimeout(() => stopTyping(socket, room), TYPING_TTL_MS),
      relayedAt: relay ? now : previous.relayedAt,
    })
  })

  on(socket, 'stop typing', (room) => {
    if (socket.rooms.has(room)) stopTyping(socket, room)
  })
}
