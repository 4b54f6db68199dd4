// Types shared by pages, stores and the server: the wire shapes of the chat.

/** What a session and every message carry to display a person. */
export interface PublicUser {
  username: string
  avatar: string
  guest: boolean
}

export interface Room {
  id: string
  name: string
  topic: string
  image: string
  createdBy: string
  createdAt: number
  /** Private rooms (and every DM) are readable by their members only. Absent: public. */
  visibility?: RoomVisibility
  /** A DM is a private room whose members were fixed when it was created. Absent: room. */
  kind?: RoomKind
  /** Read-only: nobody posts any more. */
  archived?: boolean
  /** A DM's people (usernames), fixed at creation. */
  members?: string[]
}

type RoomVisibility = 'public' | 'private'
type RoomKind = 'room' | 'dm'
/** When a member wants to be notified about a room. */
export type NotifyLevel = 'all' | 'mentions' | 'nothing'

/** A room as the sidebar (and the original `room list` event) shows it. */
export interface RoomSummary {
  id: string
  name: string
  topic: string
  image: string
  preview: string
  status: string
  onlineCount: number
  lastMessageAt: number | null
  /** Messages after the reader's read marker (registered users; capped at 100), else 0. */
  unread: number
  visibility?: RoomVisibility
  kind?: RoomKind
  archived?: boolean
  /** A DM's people. */
  members?: string[]
  /** Whether the reader belongs to the room (public rooms are listed to everyone). */
  member?: boolean
  /** The reader muted the room: no unread badge, no notification. */
  muted?: boolean
  /** The reader's notification preference for the room (default: DMs all, rooms mentions). */
  notify?: NotifyLevel
  /** Messages mentioning the reader since they last read the room. */
  mentions?: number
  /** The room's creator (owner). */
  createdBy?: string
}

/** A room as the directory of all public rooms lists it (browsing, paged by id). */
export type DirectoryRoom = Pick<Room, 'id' | 'name' | 'topic' | 'image'>

export interface DirectoryPage {
  rooms: DirectoryRoom[]
  /** The id to pass as `after` for the next page, or null at the end. */
  next: string | null
}

interface MessageContent {
  text: string
}

/** A stored message as the app and its HTTP API know it. (On the socket it travels as WireMessage.) */
export interface ChatMessage {
  /** `<13-digit ms>:<16 hex>`: sorts by time, and is the history cursor. */
  id: string
  room: string
  username: string
  avatar: string
  time: number
  content: MessageContent
  /** The sender's own id for this send, so a retry is recognised (present when the client gave one). */
  clientId?: string
  /** Usernames of the room's members that the text mentions (`@name`), computed by the server. */
  mentions?: string[]
}

export interface MessagePage {
  messages: ChatMessage[]
  /** Cursor for the next page in the same direction, or null when there is none. */
  next: string | null
}

/** The messages around one message (`?around=<id>`), oldest first, and whether more lie either side. */
export interface MessageWindow {
  messages: ChatMessage[]
  hasOlder: boolean
  hasNewer: boolean
}

/** Node-style socket acknowledgement: `err` is null or a human-readable string. */
export type Ack<T> = (err: string | null, result?: T) => void

export interface PresenceCount {
  numUsers: number
}

export interface PresenceChange extends PresenceCount {
  username: string
  avatar: string
}

export interface RoomMember {
  username: string
  avatar: string
}

/** A person as lists, profile cards and the people search show them. */
export interface Person {
  username: string
  displayName: string
  avatar: string
}

export interface TypingEvent {
  room: string
  username: string
  avatar?: string
}

export interface RoomPresenceEvent {
  room: string
  members: RoomMember[]
}

export interface ApiError {
  statusCode: number
  statusMessage: string
  message: string
  data?: { issues?: { path: string, message: string }[] }
}
