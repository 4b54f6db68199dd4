import type { NitroApp } from 'nitropack/types'
import { log } from '../core/logger.ts'
import { forgetReader } from '../domain/rooms/memberships.ts'
import { summarise } from '../domain/rooms/summaries.ts'
import { forgetRoom, isPrivate } from '../domain/rooms/rooms.ts'
import { SIGNED_IN, userRoom, type ChatServer } from './types.ts'

/**
 * Tells every instance and the affected tabs about changed rooms and memberships (raised by the
 * HTTP routes as Nitro hooks). Subscriptions move through the adapter (`socketsJoin`,
 * `socketsLeave` on the people's own rooms), so a removal holds at once on all their tabs on all
 * instances; the other instances forget their cached copy of the room and of those people's rooms.
 */
export function relayRoomEvents(nitro: NitroApp, io: ChatServer, clustered: boolean): void {
  /** Every instance forgets the room and these people's rooms before the change is answered. */
  async function forgetEverywhere(room: string, readers: string[]) {
    if (room) forgetRoom(room)
    for (const username of readers) forgetReader(username)
    if (!clustered) return
    try {
      await io.serverSideEmitWithAck('room changed', { room, readers })
    }
    catch (error) {
      // An instance that did not answer (Redis away) forgets when its caches expire.
      log.warn('room.change_unconfirmed', { room, error })
    }
  }

  io.on('room changed', ({ room, readers }, done) => {
    if (room) forgetRoom(room)
    for (const username of readers) forgetReader(username)
    done(true)
  })

  nitro.hooks.hook('chat:readers-changed', async (usernames) => {
    if (usernames.length) await forgetEverywhere('', usernames)
  })

  nitro.hooks.hook('chat:room-changed', async ({ room, deleted, members = [] }) => {
    await forgetEverywhere(room.id, members)
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

  nitro.hooks.hook('chat:members-changed', async ({ room, added = [], removed = [] }) => {
    await forgetEverywhere(room.id, [...added, ...removed])
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
