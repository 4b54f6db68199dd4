import type { NitroApp } from 'nitropack/types'
import type { PendingAnswer } from '#shared/types/search'
import { toWire } from '#shared/utils/wire'
import { log } from '../core/logger.ts'
import { forgetDeleted } from '../domain/messages/deletion.ts'
import { followEdit } from '../domain/messages/edits.ts'
import { rememberPerson } from '../domain/people/profiles.ts'
import { useSessions } from '../domain/people/sessions.ts'
import { useRoomDirectory } from '../domain/rooms/directory.ts'
import { forgetReader } from '../domain/rooms/memberships.ts'
import { forgetRoom, isPrivate } from '../domain/rooms/rooms.ts'
import { summarise } from '../domain/rooms/summaries.ts'
import { pendingMessages } from '../domain/search/indexing.ts'
import { askPeers } from './peer-requests.ts'
import { SIGNED_IN, sessionRoom, userRoom, type ChatServer } from './types.ts'

/**
 * The one place where the domain's events (`chat:*` hooks, server/domain/events.ts) become socket
 * emits, whichever path caused them: an HTTP route or a socket event. Emits go through the adapter,
 * so every instance's sockets get them; subscriptions move the same way (`socketsJoin`,
 * `socketsLeave` on a person's own room reach all their tabs everywhere). The other instances'
 * caches follow through server-side events before a change is answered.
 *
 * Presence ('room members', 'user joined'…) and typing are not domain events: their handlers emit them.
 */
export function relayDomainEvents(nitro: NitroApp, io: ChatServer, clustered: boolean, reachable: () => boolean): void {
  const { hooks } = nitro
  const ask = <T>(emit: (done: (error: Error | null, answers: T[]) => void) => void) => askPeers<T>(reachable, emit)

  hooks.hook('chat:message-sent', ({ message, origin }) => {
    const sender = origin ? io.sockets.sockets.get(origin) : undefined
    // Writing in a room subscribes every tab of the writer to it (the original protocol's sockets
    // may send without joining first).
    if (sender && !sender.rooms.has(message.room)) io.in(userRoom(message.username)).socketsJoin(message.room)
    // The sending socket gets the message as its acknowledgement instead.
    const to = origin ? io.to(message.room).except(origin) : io.to(message.room)
    // A reply that stays in its thread is not a room message: clients of the original protocol
    // would show it in the room's stream.
    to.emit(message.thread && !message.alsoToRoom ? 'thread reply' : 'new message', toWire(message))
  })
  hooks.hook('chat:thread-updated', (summary) => {
    io.to(summary.room).emit('thread updated', summary)
  })
  hooks.hook('chat:thread-activity', ({ username, activity }) => {
    io.to(userRoom(username)).emit('thread activity', activity)
  })
  hooks.hook('chat:message-updated', (message) => {
    // Peers' newest message of the room (the sidebar's preview) follows at once, as for deletions.
    if (clustered) io.serverSideEmit('message edited', message)
    io.to(message.room).emit('message updated', toWire(message))
  })
  io.on('message edited', message => followEdit(message))
  hooks.hook('chat:message-deleted', async (message) => {
    io.to(message.room).emit('message deleted', { room: message.room, message: message.id })
    // Peers' caches (the room's newest message, its unread counts, the message as a thread's
    // parent) follow before the deletion is answered: from then on no instance takes a reply to it.
    if (!clustered) return
    const { error } = await ask<boolean>(done => io.serverSideEmit('message deleted', message, done))
    // An instance that did not answer (Redis away) forgets when its caches expire.
    if (error) log.warn('message.deletion_unconfirmed', { room: message.room, message: message.id, error })
  })
  io.on('message deleted', (tombstone, done) => {
    forgetDeleted(tombstone)
    done(true)
  })
  hooks.hook('chat:reaction', (change) => {
    io.to(change.room).emit('reaction', change)
  })
  // Thumbnails are made by the instance that stored the message.
  hooks.hook('chat:attachment-ready', (ready) => {
    io.to(ready.room).emit('attachment ready', ready)
  })

  hooks.hook('chat:room-read', ({ username, room, message, origin }) => {
    const tabs = origin ? io.to(userRoom(username)).except(origin) : io.to(userRoom(username))
    tabs.emit('room read', { room, message })
  })

  /** Every instance forgets the room and these people's rooms before the change is answered. */
  async function forgetEverywhere(room: string, readers: string[]) {
    if (room) forgetRoom(room)
    for (const username of readers) forgetReader(username)
    if (!clustered) return
    const { error } = await ask<boolean>(done => io.serverSideEmit('room changed', { room, readers }, done))
    // An instance that did not answer (Redis away) forgets when its caches expire.
    if (error) log.warn('room.change_unconfirmed', { room, error })
  }
  io.on('room changed', ({ room, readers }, done) => {
    if (room) forgetRoom(room)
    for (const username of readers) forgetReader(username)
    done(true)
  })
  hooks.hook('chat:readers-changed', async (usernames) => {
    if (usernames.length) await forgetEverywhere('', usernames)
  })

  // Every instance's copy of the person follows before the change is answered, so a reload anywhere
  // shows it; then every signed-in tab hears (a rare, rate-limited human act: docs/architecture.md).
  hooks.hook('chat:person-updated', async (person) => {
    if (clustered) {
      const { error } = await ask<boolean>(done => io.serverSideEmit('person changed', person, done))
      // An instance that did not answer (Redis away) reads the person again within a minute.
      if (error) log.warn('person.change_unconfirmed', { username: person.username, error })
    }
    io.to(SIGNED_IN).emit('person updated', person)
  })
  io.on('person changed', (person, done) => {
    rememberPerson(person)
    done(true)
  })

  hooks.hook('chat:room-created', (room) => {
    // Peers drop their cached directory before their clients hear of the room (same connection, in order).
    if (clustered) io.serverSideEmit('rooms changed')
    io.to(SIGNED_IN).emit('room created', room)
  })
  io.on('rooms changed', () => useRoomDirectory().invalidate())

  hooks.hook('chat:room-changed', async ({ room, deleted, members = [] }) => {
    await forgetEverywhere(room.id, members)
    // A public room's listing changed (renamed, re-topiced, archived, gone): peers drop their
    // directory pages too, before their clients hear of it, so a reload there lists it as it is now.
    if (clustered && !isPrivate(room)) io.serverSideEmit('rooms changed')
    const audience = isPrivate(room) ? [room.id, ...members.map(userRoom)] : [SIGNED_IN]
    if (deleted) {
      io.to(audience).emit('room removed', { room: room.id, deleted: true })
      io.in(room.id).socketsLeave(room.id)
    }
    else {
      io.to(audience).emit('room updated', room)
    }
  })

  hooks.hook('chat:members-changed', async ({ room, added = [], removed = [] }) => {
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

  // Ended sessions: their sockets close everywhere, and the other instances stop trusting them
  // (their caches would for a few seconds) before the sign-out answers, so that a replayed
  // cookie is refused everywhere from then on.
  hooks.hook('chat:sessions-revoked', async ({ sessionIds, allOf }) => {
    if (sessionIds.length) io.in(sessionIds.map(sessionRoom)).disconnectSockets(true)
    if (allOf) io.in(userRoom(allOf.username)).except(sessionRoom(allOf.except)).disconnectSockets(true)
    if (!clustered || !sessionIds.length) return
    const { error } = await ask<boolean>(done => io.serverSideEmit('sessions revoked', sessionIds, done))
    // An instance that did not answer (Redis away) stops trusting them when its cache expires.
    if (error) log.warn('session.revocation_unconfirmed', { sessions: sessionIds.length, error })
  })
  io.on('sessions revoked', (sessionIds, done) => {
    useSessions().forget(sessionIds)
    done(true)
  })

  // A search reads what the other instances hold for the index, besides the index itself.
  hooks.hook('chat:search-pending', async (search) => {
    if (!clustered) return
    const { answers, error } = await ask<PendingAnswer>(done => io.serverSideEmit('pending search', search.query, done))
    // Answers that came are used: an instance that did not answer (Redis away) has its newest messages found once it indexes them.
    if (error) log.warn('search.pending_unanswered', { error })
    search.answers.push(...answers)
  })
  io.on('pending search', (query, done) => done(pendingMessages(query)))
}
