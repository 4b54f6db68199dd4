import { getValidatedQuery, getValidatedRouterParams } from 'h3'
import { messageQuerySchema } from '#shared/schemas/messages'
import { roomParamsSchema } from '#shared/schemas/rooms'
import { requireReadableRoom } from '../../../utils/access.ts'
import { defineApiHandler } from '../../../utils/api-handler.ts'
import { listMessages } from '../../../utils/messages.ts'
import { requireSessionUser } from '../../../utils/session.ts'
import { validator } from '../../../utils/validation.ts'

/** `?before=<id>` pages back (newest first); `?after=<id>` catches up (oldest first). */
export default defineApiHandler(async (event) => {
  const user = await requireSessionUser(event)
  const { room } = await getValidatedRouterParams(event, validator(roomParamsSchema), { decode: true })
  const query = await getValidatedQuery(event, validator(messageQuerySchema))
  return listMessages((await requireReadableRoom(user, room)).id, query)
})
