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

/** A room's newest message as the sidebar shows it. */
export interface LatestMessage {
  id: string
  /** Its author: each reader shows them by display name. */
  username: string
  /** Its words on one line (a file's name, or "message deleted"). */
  text: string
}

/** A room as the sidebar (and the original `room list` event) shows it. */
export interface RoomSummary {
  id: string
  name: string
  topic: string
  image: string
  /** "author: words" of the newest message (the username: the original protocol's field), else the topic. */
  preview: string
  /** The newest message, when there is one: the sidebar names its author by display name and follows its edits. */
  latest?: LatestMessage
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

/**
 * What may be said of a room id the reader cannot open (`GET /api/room-ids/:id`): only what
 * creating a room tells anyone anyway. `free`: no room ever had it; `taken`: a room has it (or had
 * it: ids are never given out again), whether private or deleted is not said; `deleted`: a public
 * room had it; `reserved`: kept for direct messages, of which nothing is said.
 */
export type RoomAvailability = 'free' | 'taken' | 'deleted' | 'reserved'

/** A room as the directory of all public rooms lists it (browsing, paged by id). */
export type DirectoryRoom = Pick<Room, 'id' | 'name' | 'topic' | 'image' | 'archived'>

export interface DirectoryPage {
  rooms: DirectoryRoom[]
  /** The id to pass as `after` for the next page, or null at the end. */
  next: string | null
}

interface MessageContent {
  text: string
}

/** A file sent with a message (stored in the upload bucket; fetched through the app's file route). */
export interface Attachment {
  /** The upload id (32 hex), unique within its room. */
  id: string
  name: string
  /** Bytes. */
  size: number
  /** The type sniffed from its content (the declared one only when the content says nothing). */
  type: string
  /** Images: the displayed size (EXIF orientation applied), known before the image loads. */
  width?: number
  height?: number
  /** Images: a smaller copy exists (made after the message was stored; `attachment ready` tells). */
  thumbnail?: boolean
  /** Images whose thumbnail could not be made: offered only as a download, never shown inline. */
  download?: boolean
}

/**
 * A link's card under a message, read by the server from the page's Open Graph / Twitter card tags
 * after the message was stored. Plain text, shown as text.
 */
export interface LinkPreview {
  /** The link as written in the message (http or https). */
  url: string
  title: string
  description?: string
  siteName?: string
  /**
   * The card's image, fetched and re-encoded by the server and served by the app
   * (`GET /api/rooms/:room/messages/:id/link-images/:image`), never loaded from the site.
   */
  image?: { id: string, width: number, height: number }
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
  /**
   * The text rendered from Markdown by the server, sanitised (the same for every reader); absent
   * only on a message the browser still holds unsent.
   */
  html?: string
  /** The sender's own id for this send, so a retry is recognised (present when the client gave one). */
  clientId?: string
  /** Files sent with the message (at most MAX_ATTACHMENTS). */
  attachments?: Attachment[]
  /** When its author last edited the text (ms). */
  editedAt?: number
  /** A tombstone: the text (and anything attached) is gone from storage; `content.text` is empty. */
  deleted?: true
  /** The message this one answers, quoted as it was when the reply was sent. */
  replyTo?: ReplyQuote
  /** Emoji → the usernames who reacted with it (absent when nobody has). */
  reactions?: Record<string, string[]>
  /** Usernames of the room's members that the text mentions (`@name`), computed by the server. */
  mentions?: string[]
  /** A thread reply: the id of the message (same room) whose thread it is in. */
  thread?: string
  /** A thread reply shown in the room's stream as well ("Also send to #room"). */
  alsoToRoom?: true
  /** A thread's parent: its replies (not deleted), the newest reply's time, up to 3 latest repliers. */
  threadCount?: number
  threadLastAt?: number
  threadPeople?: string[]
  /** Cards of the first links of the text (LINK_PREVIEWS_PER_MESSAGE), added after it was stored. */
  previews?: LinkPreview[]
  /** Pinned in its room (listed in the room's pins): who pinned it and when. */
  pinned?: PinMark
}

/** Who pinned a message, and when (ms). */
export interface PinMark {
  by: string
  at: number
}

/** A parent's thread as it is now (`thread updated`, relayed to the room on every change). */
export interface ThreadSummary {
  room: string
  /** The parent's id. */
  id: string
  threadCount: number
  threadLastAt: number | null
  /** The latest distinct repliers, newest first, at most 3. */
  threadPeople: string[]
}

/** `GET /api/rooms/:room/messages/:id/thread`: the parent and a page of its replies, oldest first. */
export interface ThreadPage {
  parent: ChatMessage
  messages: ChatMessage[]
  /** Pass as `after` for the next page, or null at the end. */
  next: string | null
  /** Whether the reader follows the thread. */
  following: boolean
}

/** A followed thread's unread count changed (`thread activity`, to the follower's tabs only). */
export interface ThreadActivity {
  room: string
  /** The parent's id. */
  id: string
  unread: number
  /** The newest reply's id, when a reply caused it (absent: the thread was read). */
  activity?: string
  /** Who wrote that reply. */
  from?: string
}

/** A thread someone follows (`GET /api/threads`), newest activity first. */
export interface FollowedThread {
  room: string
  parent: ChatMessage
  /** Replies since they last read the thread. */
  unread: number
  /** The newest reply's id. */
  activity: string
}

/** `attachment ready`: the message's attachment now has a thumbnail (the attachment as stored now). */
export interface AttachmentReady {
  room: string
  /** The message id. */
  message: string
  attachment: Attachment
}

/** A short quote of the message a reply answers (the text cut to REPLY_QUOTE_MAX characters). */
export interface ReplyQuote {
  id: string
  username: string
  text: string
  /** The original was deleted: the quote keeps no words of it. */
  deleted?: true
}

/** A reaction added or taken back, as relayed live (`reaction`). */
export interface ReactionChange {
  room: string
  /** The message's id. */
  message: string
  emoji: string
  username: string
  added: boolean
}

export interface MessagePage {
  messages: ChatMessage[]
  /** Cursor for the next page in the same direction, or null when there is none. */
  next: string | null
  /**
   * The server's clock (ms) when it read a room's history: every edit, deletion and reaction made
   * before then is in the messages (a page's first `since` for catching up on changes).
   */
  until?: number
}

/** The messages around one message (`?around=<id>`), oldest first, and whether more lie either side. */
export interface MessageWindow {
  messages: ChatMessage[]
  hasOlder: boolean
  hasNewer: boolean
  /** As MessagePage's. */
  until?: number
  /** The linked message is a reply in this message's thread: the window is around that parent. */
  thread?: string
}

/** Node-style socket acknowledgement: `err` is null or a human-readable string. */
export type Ack<T> = (err: string | null, result?: T) => void

export interface PresenceCount {
  numUsers: number
  /**
   * Counts announced by different instances can reach a tab in either order: each carries the
   * version of the online list it was read with (as RoomViewers do), and a tab keeps the newest.
   */
  version: number
}

export interface PresenceChange extends PresenceCount {
  username: string
  avatar: string
}

export interface RoomMember {
  username: string
  avatar: string
  /** None of their tabs has seen activity for a while (AWAY_AFTER_SECONDS). Absent: active. */
  away?: true
}

/** What someone says they are up to ("📅 In a meeting"), until a time or until they clear it. */
export interface PersonStatus {
  emoji: string
  /** Plain text, at most 100 characters; may be empty. */
  text: string
  /** When it ends (ms since the epoch, the server's clock), or null: until cleared. */
  expiresAt: number | null
}

/** A person as lists, profile cards and the people search show them. */
export interface Person {
  username: string
  displayName: string
  avatar: string
  /** Their status, when they set one that has not ended (the server never returns an ended one). */
  status?: PersonStatus
}

export interface TypingEvent {
  room: string
  username: string
  avatar?: string
}

/**
 * Who is looking at a room. `version` grows with every change (a server clock in microseconds,
 * from Redis with several instances), so a list that arrives after a newer one is recognised.
 */
export interface RoomViewers {
  members: RoomMember[]
  version: number
}

/** The answer to telling the server which room a tab shows. */
export interface RoomJoined extends RoomViewers {
  /**
   * This join subscribed the tab to the room's live messages (a room it did not belong to when it
   * connected, or was invited to a moment ago): what was stored since it read the history was not pushed.
   */
  subscribed: boolean
}

export interface RoomPresenceEvent extends RoomViewers {
  room: string
}

export interface ApiError {
  statusCode: number
  statusMessage: string
  message: string
  data?: { issues?: { path: string, message: string }[] }
}
