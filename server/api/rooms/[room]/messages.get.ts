import { getValidatedQuery, getValidatedRouterParams } from 'h3'
import { messageQuerySchema } from '#shared/schemas/messages'
import { roomParamsSchema } from '#shared/schemas/rooms'
import { defineApiHandler } from '../../../utils/api-handler.ts'
import { readAround, readHistory } from '../../../domain/messages/history.ts'
import { requireSessionUser } from '../../../utils/session-cookie.ts'
import { validator } from '../../../utils/validation.ts'

/**
 * `?before=<id>` pages back (newest first); `?after=<id>` catches up (oldest first);
 * `?around=<id>` is the window a link to that message opens on (oldest first).
 */
export default defineApiHandler(async (event) => {
  const user = await requireSessionUser(event)
  const { room } = await getValidatedRouterParams(event, validator(roomParamsSchema), { decode: true })
  const { around, ...query } = await getValidatedQuery(event, validator(messageQuerySchema))
  return around ? readAround(user, room, around, query.limit) : readHistory(user, room, query)
})
