import { sealSession, type H3Event } from 'h3'
import { defineNitroPlugin } from 'nitropack/runtime'
import type { PublicUser } from '#shared/types/chat'
import { getServerConfig } from '../core/config.ts'
import { getDatabase } from '../storage/database.ts'
import { log } from '../core/logger.ts'
import { holdReadinessUntil } from '../services/readiness.ts'
import { useSessions } from '../domain/people/sessions.ts'
import { SESSION_COOKIE } from '../utils/session-cookie.ts'

// Without this the first request after a start loads and compiles the renderer, the Vue app and the
// route chunks, and opens the DynamoDB connection: 5–20× a warm request (bench:coldstart). The
// server renders the sign-in page and a room page to itself before /api/ready says ready.

/** Not a valid username (it has a space), so no account's data is read; read-only pages only. */
const WARM_UP_USER: PublicUser = { username: 'warm up', avatar: '/favicon.svg', guest: false }

/** A session cookie for WARM_UP_USER's session `id`, sealed as h3's sessions are. */
async function warmUpCookie(id: string): Promise<string> {
  const config = getServerConfig()
  const session = { id, createdAt: Date.now(), data: { user: WARM_UP_USER } }
  const event = { context: { sessions: { [SESSION_COOKIE]: session } } } as unknown as H3Event
  const sealed = await sealSession(event, { name: SESSION_COOKIE, password: config.sessionPassword, maxAge: 60 })
  return `${SESSION_COOKIE}=${sealed}`
}

export default defineNitroPlugin((nitro) => {
  // In development Vite compiles each module on its first request anyway.
  if (import.meta.dev) return
  const config = getServerConfig()
  const started = performance.now()
  const render = async (path: string, cookie?: string) => {
    const response = await nitro.localFetch(path, { headers: { 'accept': 'text/html', 'accept-encoding': 'br, gzip', ...(cookie ? { cookie } : {}) } })
    await response.arrayBuffer()
    return response.status
  }
  const work = (async () => {
    try {
      await getDatabase()
      const room = `/rooms/${config.defaultRooms[0] ?? 'general'}`
      const pages: Record<string, number> = { '/login': await render('/login') }
      // A real session (pages check the Sessions table), ended as soon as the page is rendered.
      const sessions = useSessions()
      const id = await sessions.create(WARM_UP_USER.username)
      try {
        pages[room] = await render(room, await warmUpCookie(id))
      }
      finally {
        await sessions.revoke(id)
      }
      log.info('warm-up.done', { ms: Math.round(performance.now() - started), pages })
    }
    catch (error) {
      // A cold first request is slower, not wrong: never hold readiness on a failed warm-up.
      log.warn('warm-up.failed', { error })
    }
  })()
  holdReadinessUntil(work)
})
