import type { RoomSummary } from '#shared/types/chat'
import { foldWord } from '#shared/utils/search-terms'

/** One place the quick switcher can go to. */
export interface SwitcherItem {
  kind: 'room' | 'person'
  key: string
  label: string
  detail: string
  to: string
}

/**
 * Something the switcher lists matches from. Rooms come from the sidebar's store (through
 * `matchRooms`); people can be added as one more source calling `GET /api/users?q=` (the people
 * feature's route) and mapping each user to
 * `{ kind: 'person', key: name, label: name, detail: 'Direct message', to: <DM> }`.
 */
export type SwitcherSource = (query: string) => SwitcherItem[] | Promise<SwitcherItem[]>

const MAX_ITEMS = 8

/** Rooms whose id or name starts with the query first, then those that contain it. */
export function matchRooms(rooms: Pick<RoomSummary, 'id' | 'name' | 'topic'>[], query: string): SwitcherItem[] {
  const q = foldWord(query.trim().replace(/^#/, ''))
  const scored = rooms.flatMap((room) => {
    const id = room.id
    const name = foldWord(room.name)
    const score = !q ? 2 : id.startsWith(q) || name.startsWith(q) ? 0 : id.includes(q) || name.includes(q) ? 1 : -1
    return score < 0 ? [] : [{ score, room }]
  })
  scored.sort((a, b) => a.score - b.score || a.room.id.localeCompare(b.room.id))
  return scored.slice(0, MAX_ITEMS).map(({ room }) => ({ kind: 'room', key: `room:${room.id}`, label: `#${room.id}`, detail: room.name.toLowerCase() === room.id ? room.topic : room.name, to: `/rooms/${room.id}` }))
}
