import type { NitroApp } from 'nitropack/types'
import type { Room } from '#shared/types/chat'
import { forgetReader } from '../utils/memberships.ts'
import { summarise } from '../utils/room-summaries.ts'
import { forgetRoom, isPrivate } from '../utils/rooms.ts'
import { SIGNED_IN, userRoom, type ChatServer } from './types.ts'

/**
 * Tells every instance and the affected tabs about changed rooms and memberships (raised by the
 * HTTP routes as Nitro hooks). Subscriptions move through the adapter (`socketsJoin`,
 * `socketsLeave` on the people's own rooms), so a removal holds at once on all their tabs on all
 * instances; the other instances forget their cached copy of the room and of those people's rooms.
 */
export function relayRoomEvents(nitro: NitroApp, io: ChatServer, clustered: boolean): void {
  function forgetEverywhere(room: Room, readers: string[]) {
    forgetRoom(room.id)
    for (const username of readers) forgetReader(username)
    if (clustered) io.serverSideEmit('room changed', { room: room.id, readers })
  }

  io.on('room changed', ({ room, readers }) => {
    if (room) forgetRoom(room)
    for (const username of readers) forgetReader(username)
  })

  nitro.hooks.hook('chat:readers-changed', (usernames) => {
    for (const username of usernames) forgetReader(username)
    if (clustered && usernames.length) io.serverSideEmit('room changed', { room: '', readers: usernames })
  })

  nitro.hooks.hook('chat:room-changed', ({ room, deleted, members = [] }) => {
    forgetEverywhere(room, members)
    const audience = isPrivate(room) ? [room.id, ...members.map(userRoom)] : [SIGNED_IN]
    if (deleted) {
      if (clustered) io.serverSideEmit('rooms changed')
      io.to(audience).emit('room removed', { room: room.id, deleted: true })
      io.in(room.id).socketsLeave(room.id)
    }
    else {
      io.to(audience).emit('room updated', room)
    }
  })

  nitro.hooks.hook('chat:members-changed', ({ room, added = [], removed = [] }) => {
    forgetEverywhere(room, [...added, ...removed])
    for (const username of removed) {
      io.in(userRoom(username)).socketsLeave(room.id)
      io.to(userRoom(username)).emit('room removed', { room: room.id })
    }
    if (added.length) {
      const people = added.map(userRoom)
      io.in(people).socketsJoin(room.id)
      io.to(people).emit('room added', summarise(room, null, 0, 0, { member: true }))
    }
  })
}
