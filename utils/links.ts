import type { SearchHit } from '#shared/types/search'

/** The address of one message: `/rooms/<room>?m=<id>` on this site. */
export function messageLink(room: string, id: string): string {
  return new URL(`/rooms/${room}?m=${id}`, window.location.origin).href
}

/** Where a hit opens: its room, scrolled to the message (the permalink the room page understands). */
export function hitLink(hit: Pick<SearchHit, 'room' | 'id'>): string {
  return `/rooms/${hit.room}?m=${encodeURIComponent(hit.id)}`
}
