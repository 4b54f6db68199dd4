import type { MessagePage, MessageWindow, Person, PublicUser, RoomSummary } from '#shared/types/chat'
import type { PageReads } from '#shared/types/page-reads'

/**
 * The reads pages render from: in process while the server renders (set on the request by
 * server/middleware/page-reads.ts), the HTTP routes in the browser. Both answer the same shapes
 * after the same access checks.
 */
export function usePageReads(): PageReads {
  if (import.meta.server) {
    const inProcess = useRequestEvent()?.context.pageReads
    if (inProcess) return inProcess
  }
  const api = useApi()
  return {
    me: () => api<{ user: PublicUser | null, admin?: true }>('/api/auth/me'),
    rooms: () => api<{ rooms: RoomSummary[] }>('/api/rooms'),
    history: (room, query) => api<MessagePage>(`/api/rooms/${room}/messages`, { query }),
    around: (room, id, limit) => api<MessageWindow>(`/api/rooms/${room}/messages`, { query: { around: id, limit } }),
    people: names => api<{ users: Person[] }>('/api/users', { query: { names: names.join(',') } }),
  }
}
