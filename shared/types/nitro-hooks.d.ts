import type { AttachmentReady, ChatMessage, Person, ReactionChange, Room, RoomSummary, ThreadActivity, ThreadSummary } from './chat'
import type { PendingAnswer, PendingQuery } from './search'

// Server-side only: events the domain raises (server/domain/events.ts) and the realtime layer
// relays (server/socket/relays.ts), through Nitro's own hook bus.
declare module 'nitropack/types' {
  interface NitroRuntimeHooks {
    /**
     * Someone changed their status or display name (as everyone now sees them): every instance's
     * copy follows, then every signed-in tab is told.
     */
    'chat:person-updated': (person: Person) => void
    /** A public room was created: every signed-in sidebar lists it. */
    'chat:room-created': (room: RoomSummary) => void
    /** A thumbnail of a stored message's image exists now: the room's clients swap it in. */
    'chat:attachment-ready': (ready: AttachmentReady) => void
    /**
     * A message was stored (or a retried send found it stored): relayed live to the room. `origin`
     * is the socket it came from, which gets the message as its acknowledgement instead.
     */
    'chat:message-sent': (sent: { message: ChatMessage, origin?: string }) => void
    /** A message's text was edited, its link cards came or went, or it was pinned or unpinned (the message as it is now). */
    'chat:message-updated': (message: ChatMessage) => void
    /** A message became a tombstone. */
    'chat:message-deleted': (message: ChatMessage) => void
    'chat:reaction': (change: ReactionChange) => void
    /** A thread's summary on its parent changed (a reply, a deleted reply): every tab showing the room. */
    'chat:thread-updated': (summary: ThreadSummary) => void
    /** A followed thread's unread count changed for `username` (a reply, or they read it): their tabs. */
    'chat:thread-activity': (change: { username: string, activity: ThreadActivity }) => void
    /** A room was renamed, re-topiced, (un)archived, or deleted (then `members` were its members). */
    'chat:room-changed': (change: { room: Room, deleted?: boolean, members?: string[] }) => void
    /**
     * People joined or left a room (invite, join, leave, removal, a new DM): their tabs on every
     * instance subscribe or unsubscribe at once, and their sidebars are told.
     */
    'chat:members-changed': (change: { room: Room, added?: string[], removed?: string[] }) => void
    /** Someone read a room up to `message`: their other tabs (not `origin`) clear its badge. */
    'chat:room-read': (read: { username: string, room: string, message: string, origin?: string }) => void
    /** These people's per-room state (mention counts) changed: every instance forgets its cached copy. */
    'chat:readers-changed': (usernames: string[]) => void
    /**
     * A search asks the other instances for the messages they stored and have not yet written to
     * the index (domain/search/search.ts): the realtime layer adds their answers to `answers`.
     */
    'chat:search-pending': (ask: { query: PendingQuery, answers: PendingAnswer[] }) => void
    /**
     * Sessions ended (sign-out, password change, "sign out of other sessions"): their sockets
     * close on every instance. With `allOf`, every socket of that user except those of the
     * session `except` closes too (sockets signed in by socket event have no session).
     */
    'chat:sessions-revoked': (revoked: { sessionIds: string[], allOf?: { username: string, except: string } }) => void
  }
}
export {}
