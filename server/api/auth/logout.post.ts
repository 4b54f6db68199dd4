import { defineApiHandler } from '../../utils/api-handler.ts'
import { endSession } from '../../utils/session-cookie.ts'

/** Ends this session on every instance (its sockets close too) and clears the cookie. */
export default defineApiHandler(async (event) => {
  await endSession(event)
  return { ok: true }
})
