import { defineApiHandler } from '../../utils/api-handler.ts'
import { clearStatus } from '../../domain/people/changes.ts'
import { requireSessionUser } from '../../utils/session-cookie.ts'

/** Clears the caller's status (accounts only). */
export default defineApiHandler(async (event) => {
  const user = await requireSessionUser(event)
  return { user: await clearStatus(user) }
})
