import { getValidatedQuery, getValidatedRouterParams } from 'h3'
import { messageQuerySchema } from '#shared/schemas/messages'
import { roomParamsSchema } from '#shared/schemas/rooms'
import { requireReadableRoom } from '../../../utils/access.ts'
import { defineApiHandler } from '../../../utils/api-handler.ts'
import { messagesAround } from '../../../utils/message-window.ts'
import { listMessages } from '../../../utils/messages.ts'
import { requireSessionUser } from '../../../utils/session.ts'
import { validator } from '../../../utils/validation.ts'

/**
 * `?before=<id>` pages back (newest first); `?after=<id>` catches up (oldest first);
 * `?around=<id>` is the window a link to that message opens on (oldest first).
 */
export default defineApiHandler(async (event) => {
  const user = await requireSessionUser(event)
  const { room } = await getValidatedRouterParams(event, validator(roomParamsSchema), { decode: true })
  const { around, ...query } = await getValidatedQuery(event, validator(messageQuerySchema))
  const { id } = await requireReadableRoom(user, room)
  return around ? messagesAround(id, around, query.limit) : listMessages(id, query)
})
