import type { AttachmentReady, RoomSummary } from './chat'

// Server-side only: domain events that HTTP routes raise and the realtime layer relays (Nitro's own hook bus).
declare module 'nitropack/types' {
  interface NitroRuntimeHooks {
    'chat:room-created': (room: RoomSummary) => void
    /** A thumbnail of a stored message's image exists now: the room's clients swap it in. */
    'chat:attachment-ready': (ready: AttachmentReady) => void
    /**
     * Sessions ended (sign-out, password change, "sign out of other sessions"): their sockets
     * close on every instance. With `allOf`, every socket of that user except those of the
     * session `except` closes too (sockets signed in by socket event have no session).
     */
    'chat:sessions-revoked': (revoked: { sessionIds: string[], allOf?: { username: string, except: string } }) => void
  }
}
export {}
