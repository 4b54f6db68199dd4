import { getValidatedQuery, getValidatedRouterParams } from 'h3'
import { messageParamsSchema, threadQuerySchema } from '#shared/schemas/messages'
import { defineApiHandler } from '../../../../../../utils/api-handler.ts'
import { readThread } from '../../../../../../domain/threads/threads.ts'
import { requireSessionUser } from '../../../../../../utils/session-cookie.ts'
import { validator } from '../../../../../../utils/validation.ts'

/** A thread: its parent and `{ messages }` after `?after=<reply id>`, oldest first, `limit` at a time. */
export default defineApiHandler(async (event) => {
  const user = await requireSessionUser(event)
  const { room, id } = await getValidatedRouterParams(event, validator(messageParamsSchema), { decode: true })
  const query = await getValidatedQuery(event, validator(threadQuerySchema))
  return readThread(user, room, id, query)
})
