import { on } from '../handler.ts'
import { TypingState } from '../typing-state.ts'
import { viewersRoom, type ChatSocket } from '../types.ts'

export function stopTyping(socket: ChatSocket, room: string): void {
  const user = socket.data.user
  if (user && socket.data.typing?.stop(room)) socket.to(viewersRoom(room)).emit('stop typing', { room, username: user.username })
}

export function stopAllTyping(socket: ChatSocket): void {
  for (const room of socket.data.typing?.rooms() ?? []) stopTyping(socket, room)
}

export function registerTypingHandlers(socket: ChatSocket): void {
  // Typing is only relayed for rooms this socket is subscribed to, and only to those who have the
  // room on screen (in a big room most members do not): anything else is ignored.
  on(socket, 'typing', (room) => {
    const user = socket.data.user
    if (!user || !socket.rooms.has(room)) return
    socket.data.typing ??= new TypingState(expired => stopTyping(socket, expired))
    if (socket.data.typing.start(room)) socket.to(viewersRoom(room)).emit('typing', { room, username: user.username, avatar: user.avatar })
  })

  on(socket, 'stop typing', (room) => {
    if (socket.rooms.has(room)) stopTyping(socket, room)
  })
}
