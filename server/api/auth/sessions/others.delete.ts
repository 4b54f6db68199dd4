import { defineApiHandler } from '../../../utils/api-handler.ts'
import { endOtherSessions, requireSession } from '../../../utils/session-cookie.ts'

/** "Sign out of all other sessions": every other browser and socket of this account, on every instance. */
export default defineApiHandler(async (event) => {
  return { endedSessions: await endOtherSessions(await requireSession(event)) }
})
