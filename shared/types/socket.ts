// The Socket.io protocol, typed for both ends. The first block is the original
// socket.io-chat-fargate protocol, kept exactly; the second holds our additions.
import type { Ack, ChatMessage, MessagePage, PresenceChange, PresenceCount, PublicUser, RoomMember, RoomPresenceEvent, RoomSummary, TypingEvent } from './chat'

/** What `anonymous user`, `create user` and `authenticate user` acknowledge with. */
export type SocketIdentity = Pick<PublicUser, 'username' | 'avatar'>

export interface ClientToServerEvents {
  // Original protocol. Payloads are `unknown` on purpose: the server validates everything.
  'room list': (ack: Ack<RoomSummary[]>) => void
  'anonymous user': (ack: Ack<SocketIdentity>) => void
  'create user': (payload: { username: string, email?: string, password: string }, ack: Ack<SocketIdentity>) => void
  'authenticate user': (payload: { username: string, password: string }, ack: Ack<SocketIdentity>) => void
  'new message': (payload: { room: string, message: string }, ack: Ack<ChatMessage>) => void
  'message list': (payload: { room: string, message?: string }, ack: Ack<MessagePage>) => void
  'typing': (room: string) => void
  'stop typing': (room: string) => void

  // Additions: the room a client is looking at (online list), catching up after a reconnect.
  'join room': (room: string, ack: Ack<{ members: RoomMember[] }>) => void
  'leave room': (room: string) => void
  'catch up': (payload: { room: string, after: string }, ack: Ack<MessagePage>) => void
  /** The reader has seen `message` (an id) in `room`: moves their read marker forward. */
  'mark read': (payload: { room: string, message: string }) => void
}

export interface ServerToClientEvents {
  // Original protocol.
  'presence': (payload: PresenceCount) => void
  'login': (payload: PresenceCount) => void
  'user joined': (payload: PresenceChange) => void
  'user left': (payload: PresenceChange) => void
  'new message': (message: ChatMessage) => void
  'typing': (payload: TypingEvent) => void
  'stop typing': (payload: TypingEvent) => void

  // Additions.
  /** Who is looking at a room, sent to that room's viewers whenever it changes. */
  'room members': (payload: RoomPresenceEvent) => void
  /** A new room, for every signed-in sidebar. */
  'room created': (room: RoomSummary) => void
  /** Another tab of the same user read up to `message` in `room`. */
  'room read': (payload: { room: string, message: string }) => void
}
