import { getValidatedRouterParams, setResponseStatus } from 'h3'
import { messageParamsSchema } from '#shared/schemas/messages'
import { defineApiHandler } from '../../../../../../utils/api-handler.ts'
import { markThreadRead } from '../../../../../../domain/threads/following.ts'
import { requireSessionUser } from '../../../../../../utils/session-cookie.ts'
import { validator } from '../../../../../../utils/validation.ts'

/** The caller has read the thread: its unread count goes to 0 on all their tabs. */
export default defineApiHandler(async (event) => {
  const user = await requireSessionUser(event)
  const { room, id } = await getValidatedRouterParams(event, validator(messageParamsSchema), { decode: true })
  await markThreadRead(user, room, id)
  setResponseStatus(event, 204)
  return null
})
