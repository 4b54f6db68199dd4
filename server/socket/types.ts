import type { Server, Socket } from 'socket.io'
import type { ChatMessage, Person, PresenceChange, PublicUser, RoomViewers } from '#shared/types/chat'
import type { PendingAnswer, PendingQuery } from '#shared/types/search'
import type { ClientToServerEvents, ServerToClientEvents } from '#shared/types/socket'
import type { Presence } from '../services/presence.ts'
import type { TypingState } from './typing-state.ts'

/** Per-socket state, kept small: thousands of idle sockets carry it. */
interface SocketData {
  user: PublicUser | null
  /** A sign-in event is being handled (see handlers/accounts.ts). */
  signingIn?: boolean
  /** The session the handshake's cookie belongs to (null when signed in by socket event, or not at all). */
  session: string | null
  address: string
  /** The room this socket is looking at, if any. */
  viewing: string | null
  /** This socket's typing indicators (created on first use). */
  typing?: TypingState
  /** Sends from one socket run one after another, so its messages keep their order. */
  sending: Promise<void>
  /** Joins, leaves and the close of one socket run one after another (see handlers/rooms.ts). */
  viewingTurn: Promise<void>
}

/** Events between instances (Socket.io's serverSideEmit, through the Redis adapter). */
interface InterServerEvents {
  /** Someone's status or display name changed on another instance (as it is now): the copy here follows. */
  'person changed': (person: Person, done: (remembered: boolean) => void) => void
  /** Someone went away or came back (decided on another instance): re-announce the rooms they look at from here. */
  'away changed': (username: string) => void
  /** A room was created: drop cached directory pages. */
  'rooms changed': () => void
  /** A room changed (renamed, archived, deleted): forget it; and these people's rooms changed. */
  'room changed': (change: { room: string, readers: string[] }, done: (forgotten: boolean) => void) => void
  /** A message was edited on another instance (as it is now): caches here follow. */
  'message edited': (message: ChatMessage) => void
  /** A message was deleted on another instance (its tombstone): caches here follow. */
  'message deleted': (tombstone: ChatMessage, done: (forgotten: boolean) => void) => void
  /** The sender dropped relays since `since` (ms) while Redis was away: clients here may have missed messages. */
  'relays lost': (since: number) => void
  /** A search on another instance: the messages stored here, not yet in the index, that match. */
  'pending search': (query: PendingQuery, done: (answer: PendingAnswer) => void) => void
  /** Sessions ended on another instance: stop trusting them here at once. */
  'sessions revoked': (sessionIds: string[], done: (forgotten: boolean) => void) => void
}

export type ChatServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>
export type ChatSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>

/** What the socket handlers share: the server, presence, and the announcer built on both. */
export interface SocketContext {
  io: ChatServer
  presence: Presence
  /** Tells everyone about a user's first or last connection (see announcer.ts). */
  announce: (event: 'user joined' | 'user left', payload: PresenceChange) => void
  /** Tells those looking at a room who else is, at most once a second (see viewer-announcer.ts). */
  announceViewers: (room: string, viewers?: RoomViewers) => void
  /** Someone went away or came back: the rooms they look at, on every instance, are told (see away.ts). */
  awayChanged: (username: string) => void
}

// Internal Socket.io rooms start with '#', which no chat room id can contain.
/** The room all signed-in sockets are in, for announcements such as new rooms. */
export const SIGNED_IN = '#signed-in'
/** A user's own room: all of their tabs, on every instance. */
export const userRoom = (username: string) => `#user:${username}`
/** The sockets that have a room on screen: who is looking and who is typing go only to them. */
export const viewersRoom = (room: string) => `#viewers:${room}`
/** The sockets of one session. */
export const sessionRoom = (id: string) => `#session:${id}`

/**
 * Runs a change of what the socket looks at after the previous one finished: a join still reading
 * the room when the next join, a leave or the close arrives would otherwise count the socket in a
 * room it left, for good (its instance keeps refreshing it).
 */
export function inTurn<T>(socket: ChatSocket, work: () => Promise<T>): Promise<T> {
  const turn = socket.data.viewingTurn.then(work)
  socket.data.viewingTurn = turn.then(() => {}, () => {})
  return turn
}
