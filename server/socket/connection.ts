import { log } from '../core/logger.ts'
import { registerAccountHandlers } from './handlers/accounts.ts'
import { registerMessageActionHandlers } from './handlers/message-actions.ts'
import { registerMessageHandlers } from './handlers/messages.ts'
import { registerRoomHandlers } from './handlers/rooms.ts'
import { registerTypingHandlers, stopAllTyping } from './handlers/typing.ts'
import { attachIdentity, detachIdentity } from './identity.ts'
import type { ChatSocket, SocketContext } from './types.ts'

/** Wires one connected socket: handlers first (no event is missed), then its identity. */
export function handleConnection(ctx: SocketContext, socket: ChatSocket): void {
  registerAccountHandlers(ctx, socket)
  registerRoomHandlers(ctx, socket)
  registerMessageHandlers(socket)
  registerMessageActionHandlers(socket)
  registerTypingHandlers(socket)

  socket.on('disconnect', () => {
    stopAllTyping(socket)
    detachIdentity(ctx, socket).catch((error: unknown) => log.warn('presence.detach_failed', { socket: socket.id, error }))
  })

  // Signed in from the session cookie during the handshake (read now: a sign-in event may follow).
  const cookieUser = socket.data.user
  ctx.presence.online()
    .then((count) => {
      socket.emit('presence', count)
      if (cookieUser) return attachIdentity(ctx, socket, cookieUser)
    })
    .catch((error: unknown) => log.warn('presence.attach_failed', { socket: socket.id, error }))
}
