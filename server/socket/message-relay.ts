import type { NitroApp } from 'nitropack/types'
import { toWire } from '#shared/utils/wire'
import { forgetDeleted } from '../domain/messages/deletion.ts'
import type { ChatServer } from './types.ts'

/**
 * Relays what the message domain functions announce (Nitro hooks raised by HTTP routes and socket
 * handlers alike) to the room's subscribers on every instance, through the Redis adapter.
 */
export function relayMessageChanges(nitro: NitroApp, io: ChatServer, clustered: boolean): void {
  nitro.hooks.hook('chat:message-sent', (message) => {
    io.to(message.room).emit('new message', toWire(message))
  })
  nitro.hooks.hook('chat:message-updated', (message) => {
    io.to(message.room).emit('message updated', toWire(message))
  })
  nitro.hooks.hook('chat:message-deleted', (message) => {
    // Peers' caches (the room's newest message, its unread counts) follow at once, not at their expiry.
    if (clustered) io.serverSideEmit('message deleted', message)
    io.to(message.room).emit('message deleted', { room: message.room, message: message.id })
  })
  io.on('message deleted', tombstone => forgetDeleted(tombstone))
  nitro.hooks.hook('chat:reaction', (change) => {
    io.to(change.room).emit('reaction', change)
  })
}
