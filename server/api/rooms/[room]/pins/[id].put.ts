import { getValidatedRouterParams } from 'h3'
import { messageParamsSchema } from '#shared/schemas/messages'
import { defineApiHandler } from '../../../../utils/api-handler.ts'
import { pinMessage } from '../../../../domain/messages/pins.ts'
import { requireSessionUser } from '../../../../utils/session-cookie.ts'
import { validator } from '../../../../utils/validation.ts'

/** Pins a message of the room (idempotent): the message as it is now. */
export default defineApiHandler(async (event) => {
  const user = await requireSessionUser(event)
  const { room, id } = await getValidatedRouterParams(event, validator(messageParamsSchema), { decode: true })
  return pinMessage(user, room, id)
})
