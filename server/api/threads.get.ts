import { defineApiHandler } from '../utils/api-handler.ts'
import { listFollowedThreads } from '../domain/threads/following.ts'
import { requireSessionUser } from '../utils/session-cookie.ts'

/** The threads the caller follows, newest activity first, with their unread counts. */
export default defineApiHandler(async (event) => {
  const user = await requireSessionUser(event)
  return { threads: await listFollowedThreads(user) }
})
