import { getValidatedRouterParams, readValidatedBody } from 'h3'
import { editMessageSchema, messageParamsSchema } from '#shared/schemas/messages'
import { defineApiHandler } from '../../../../utils/api-handler.ts'
import { editMessage } from '../../../../domain/messages/edits.ts'
import { requireSessionUser } from '../../../../utils/session-cookie.ts'
import { validator } from '../../../../utils/validation.ts'

/** Edits the caller's own message: the message as it is now. */
export default defineApiHandler(async (event) => {
  const user = await requireSessionUser(event)
  const { room, id } = await getValidatedRouterParams(event, validator(messageParamsSchema), { decode: true })
  const { text } = await readValidatedBody(event, validator(editMessageSchema))
  return editMessage(user, room, id, text)
})
