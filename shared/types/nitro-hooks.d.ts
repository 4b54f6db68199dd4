import type { RoomSummary } from './chat'

// Server-side only: domain events that HTTP routes raise and the realtime layer relays (Nitro's own hook bus).
declare module 'nitropack/types' {
  interface NitroRuntimeHooks {
    'chat:room-created': (room: RoomSummary) => void
  }
}
export {}
