import type { MessagePage, MessageWindow, Person, PublicUser, Room, RoomSummary, ThreadPage } from './chat'

/** What a history read may ask: a page back (`before`), forward (`after`), or the latest. */
interface HistoryQuery {
  before?: string
  after?: string
  limit?: number
}

/**
 * The reads the pages render from, shaped as their HTTP routes answer. In the browser they are
 * those routes; while the server renders a page they run in process (server/utils/page-reads.ts),
 * through the same domain functions and access checks, without a request through the HTTP stack
 * for each one.
 */
export interface PageReads {
  /** `GET /api/auth/me` */
  me: () => Promise<{ user: PublicUser | null, admin?: true }>
  /** `GET /api/rooms` */
  rooms: () => Promise<{ rooms: RoomSummary[] }>
  /** `GET /api/rooms/:room` */
  room: (id: string) => Promise<{ room: Room }>
  /** `GET /api/rooms/:room/messages` */
  history: (room: string, query: HistoryQuery) => Promise<MessagePage>
  /** `GET /api/rooms/:room/messages?around=` */
  around: (room: string, id: string, limit?: number) => Promise<MessageWindow>
  /** `GET /api/rooms/:room/messages/:id/thread` */
  thread: (room: string, id: string, query: { after?: string, limit?: number }) => Promise<ThreadPage>
  /** `GET /api/rooms/:room/read-marker` */
  readMarker: (room: string) => Promise<{ marker: string | null }>
  /** `GET /api/users?names=` (at most 50) */
  people: (names: string[]) => Promise<{ users: Person[] }>
}

declare module 'h3' {
  interface H3EventContext {
    /** Set for page requests (server/middleware/page-reads.ts); read by composables/usePageReads.ts. */
    pageReads?: PageReads
  }
}
