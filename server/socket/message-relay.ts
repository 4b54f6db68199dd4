import type { NitroApp } from 'nitropack/types'
import { toWire } from '#shared/utils/wire'
import type { ChatServer } from './types.ts'

/**
 * Relays what the message domain functions announce (Nitro hooks raised by HTTP routes and socket
 * handlers alike) to the room's subscribers on every instance, through the Redis adapter.
 */
export function relayMessageChanges(nitro: NitroApp, io: ChatServer): void {
  nitro.hooks.hook('chat:message-sent', (message) => {
    io.to(message.room).emit('new message', toWire(message))
  })
  nitro.hooks.hook('chat:message-updated', (message) => {
    io.to(message.room).emit('message updated', toWire(message))
  })
  nitro.hooks.hook('chat:message-deleted', (message) => {
    io.to(message.room).emit('message deleted', { room: message.room, message: message.id })
  })
  nitro.hooks.hook('chat:reaction', (change) => {
    io.to(change.room).emit('reaction', change)
  })
}
