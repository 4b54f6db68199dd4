import { getValidatedRouterParams } from 'h3'
import { messageParamsSchema } from '#shared/schemas/messages'
import { defineApiHandler } from '../../../../utils/api-handler.ts'
import { deleteMessage } from '../../../../domain/messages/deletion.ts'
import { requireSessionUser } from '../../../../utils/session-cookie.ts'
import { validator } from '../../../../utils/validation.ts'

/** Deletes a message (its author, the room's creator or an admin): the tombstone. */
export default defineApiHandler(async (event) => {
  const user = await requireSessionUser(event)
  const { room, id } = await getValidatedRouterParams(event, validator(messageParamsSchema), { decode: true })
  return deleteMessage(user, room, id)
})
