import { getValidatedRouterParams } from 'h3'
import { messageParamsSchema } from '#shared/schemas/messages'
import { defineApiHandler } from '../../../../../utils/api-handler.ts'
import { follow } from '../../../../../domain/threads/following.ts'
import { requireSessionUser } from '../../../../../utils/session-cookie.ts'
import { validator } from '../../../../../utils/validation.ts'

/** Follows the thread of this message by hand. */
export default defineApiHandler(async (event) => {
  const user = await requireSessionUser(event)
  const { room, id } = await getValidatedRouterParams(event, validator(messageParamsSchema), { decode: true })
  return follow(user, room, id, true)
})
