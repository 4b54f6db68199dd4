import type { NotifyLevel, RoomSummary } from '#shared/types/chat'

/** When a room notifies by default: every message of a DM, mentions elsewhere. */
export function notifyLevel(room: Pick<RoomSummary, 'kind' | 'notify' | 'muted'>): NotifyLevel {
  if (room.muted) return 'nothing'
  return room.notify ?? (room.kind === 'dm' ? 'all' : 'mentions')
}
