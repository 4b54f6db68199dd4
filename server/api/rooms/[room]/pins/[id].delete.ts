import { getValidatedRouterParams } from 'h3'
import { messageParamsSchema } from '#shared/schemas/messages'
import { defineApiHandler } from '../../../../utils/api-handler.ts'
import { unpinMessage } from '../../../../domain/messages/pins.ts'
import { requireSessionUser } from '../../../../utils/session-cookie.ts'
import { validator } from '../../../../utils/validation.ts'

/** Unpins a message of the room (idempotent): the message as it is now. */
export default defineApiHandler(async (event) => {
  const user = await requireSessionUser(event)
  const { room, id } = await getValidatedRouterParams(event, validator(messageParamsSchema), { decode: true })
  return unpinMessage(user, room, id)
})
