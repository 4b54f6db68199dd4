import type { MessagePage, MessageWindow } from '#shared/types/chat'
import type { PageReads } from '#shared/types/page-reads'

/**
 * The messages route answers a window when asked `?around=`, else a page; its type is the union of
 * both. What was asked decides which one came: these say so, and fail loudly should it not be.
 */
function asPage(answer: MessagePage | MessageWindow): MessagePage {
  if ('next' in answer) return answer
  throw new Error('Expected a page of messages')
}
function asWindow(answer: MessagePage | MessageWindow): MessageWindow {
  if ('hasNewer' in answer) return answer
  throw new Error('Expected the messages around one message')
}

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
    me: () => api('/api/auth/me'),
    rooms: () => api('/api/rooms'),
    room: id => api(`/api/rooms/${id}`),
    history: async (room, query) => asPage(await api(`/api/rooms/${room}/messages`, { query })),
    around: async (room, id, limit) => asWindow(await api(`/api/rooms/${room}/messages`, { query: { around: id, limit } })),
    thread: (room, id, query) => api(`/api/rooms/${room}/messages/${encodeURIComponent(id)}/thread`, { query }),
    readMarker: room => api(`/api/rooms/${room}/read-marker`),
    people: names => api('/api/users', { query: { names: names.join(',') } }),
  }
}
