// The Socket.io protocol, typed for both ends. The first block is the original
// socket.io-chat-fargate protocol, kept exactly; the second holds our additions.
import type { SocketPayloadInput } from '../schemas/socket'
import type { Ack, AttachmentReady, ChatMessage, Person, PresenceChange, ReactionChange, PresenceCount, PublicUser, Room, RoomJoined, RoomPresenceEvent, RoomSummary, ThreadActivity, ThreadSummary, TypingEvent } from './chat'

/**
 * A message as the original protocol carries it: its id in the field `message`. Only the socket
 * speaks this shape; shared/utils/wire.ts converts at that edge, on both sides.
 */
export type WireMessage = Omit<ChatMessage, 'id'> & { message: string }

export interface WireMessagePage {
  messages: WireMessage[]
  next: string | null
}

/**
 * Messages changed in a room since a time, each as it is now (applying them twice is harmless).
 * Keep `until` as the next catch-up's `since`; while `next` is set, ask again with it as `after`.
 */
export interface WireChangePage {
  messages: WireMessage[]
  until: number
  next: string | null
}

/** What `anonymous user`, `create user` and `authenticate user` acknowledge with. */
export type SocketIdentity = Pick<PublicUser, 'username' | 'avatar'>

/**
 * Client→server events. Payload types come from the one schema per event in
 * shared/schemas/socket.ts, which the server parses every payload with.
 */
export interface ClientToServerEvents {
  // Original protocol.
  'room list': (ack: Ack<RoomSummary[]>) => void
  'anonymous user': (ack: Ack<SocketIdentity>) => void
  'create user': (payload: SocketPayloadInput<'create user'>, ack: Ack<SocketIdentity>) => void
  'authenticate user': (payload: SocketPayloadInput<'authenticate user'>, ack: Ack<SocketIdentity>) => void
  'new message': (payload: SocketPayloadInput<'new message'>, ack: Ack<WireMessage>) => void
  'message list': (payload: SocketPayloadInput<'message list'>, ack: Ack<WireMessagePage>) => void
  'typing': (room: SocketPayloadInput<'typing'>) => void
  'stop typing': (room: SocketPayloadInput<'stop typing'>) => void

  // Additions: the room a client is looking at (online list), catching up after a reconnect.
  'join room': (room: SocketPayloadInput<'join room'>, ack: Ack<RoomJoined>) => void
  'leave room': (room: SocketPayloadInput<'leave room'>) => void
  /** The tab saw activity (pointer, keys, focus): sent at most once a minute, unanswered. */
  'active': () => void
  'catch up': (payload: SocketPayloadInput<'catch up'>, ack: Ack<WireMessagePage>) => void
  /** The reader has seen `message` (an id) in `room`: moves their read marker forward. */
  'mark read': (payload: SocketPayloadInput<'mark read'>) => void
  /** Replaces the text of the caller's own message (within the edit window): acks the edited message. */
  'edit message': (payload: SocketPayloadInput<'edit message'>, ack: Ack<WireMessage>) => void
  /** Turns a message into a tombstone (its author, the room's creator or an admin): acks the tombstone. */
  'delete message': (payload: SocketPayloadInput<'delete message'>, ack: Ack<WireMessage>) => void
  /** Adds (`add: true`) or takes back the caller's reaction; idempotent. Acks the message's reactions. */
  'react': (payload: SocketPayloadInput<'react'>, ack: Ack<WireMessage>) => void
  /** Messages edited, deleted or reacted to since `since` (ms), as they are now. */
  'catch up changes': (payload: SocketPayloadInput<'catch up changes'>, ack: Ack<WireChangePage>) => void
}

export interface ServerToClientEvents {
  // Original protocol.
  'presence': (payload: PresenceCount) => void
  'login': (payload: PresenceCount) => void
  'user joined': (payload: PresenceChange) => void
  'user left': (payload: PresenceChange) => void
  'new message': (message: WireMessage) => void
  'typing': (payload: TypingEvent) => void
  'stop typing': (payload: TypingEvent) => void

  // Additions.
  /** Who is looking at a room, sent to that room's viewers whenever it changes. */
  'room members': (payload: RoomPresenceEvent) => void
  /** A new room, for every signed-in sidebar. */
  'room created': (room: RoomSummary) => void
  /** Someone changed their status or display name: every signed-in tab (each keeps only people it knows). */
  'person updated': (person: Person) => void
  /** Another tab of the same user read up to `message` in `room`. */
  'room read': (payload: { room: string, message: string }) => void
  /** A thumbnail of an image in a message of `room` is ready. */
  'attachment ready': (payload: AttachmentReady) => void
  /** A message's text was edited: the whole message as it is now. */
  'message updated': (message: WireMessage) => void
  /** A message became a tombstone. */
  'message deleted': (payload: { room: string, message: string }) => void
  /** Someone reacted to a message, or took their reaction back. */
  'reaction': (payload: ReactionChange) => void
  /** A thread reply that stays in its thread (one sent to the room too comes as `new message`, with `thread`). */
  'thread reply': (message: WireMessage) => void
  /** A parent's thread summary changed: every tab showing the room. */
  'thread updated': (summary: ThreadSummary) => void
  /** A thread this person follows has a new reply, or they read it: their unread count for it. */
  'thread activity': (activity: ThreadActivity) => void
  /** A room this socket lists was renamed, re-topiced or (un)archived. */
  'room updated': (room: Room) => void
  /** The user now belongs to a room (invited, joined, a new DM): it joins their sidebar. */
  'room added': (room: RoomSummary) => void
  /** The user no longer belongs to a room, or it was deleted: its page closes, the sidebar drops it. */
  'room removed': (payload: { room: string, deleted?: true }) => void
  /**
   * Messages relayed between instances since `since` (the server's clock, ms) may not have reached
   * this socket (Redis was away). The server closes the transport right after: the page reconnects
   * and catches up from before that time.
   */
  'relays lost': (payload: { since: number }) => void
}
