import type { RoomSummary } from '#shared/types/chat'

/**
 * Lets HTTP routes announce domain events to connected clients without depending on Socket.io:
 * the realtime plugin subscribes at startup; without it (tests of routes alone) nothing listens.
 */
type RoomCreatedListener = (room: RoomSummary) => void

let roomCreated: RoomCreatedListener = () => {}

export function onRoomCreated(listener: RoomCreatedListener): void {
  roomCreated = listener
}

export function announceRoomCreated(room: RoomSummary): void {
  roomCreated(room)
}
