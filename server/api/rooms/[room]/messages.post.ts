import { readValidatedBody, getValidatedRouterParams, setResponseStatus } from 'h3'
import { postMessageSchema } from '#shared/schemas/messages'
import { roomParamsSchema } from '#shared/schemas/rooms'
import { defineApiHandler } from '../../../utils/api-handler.ts'
import { sendMessage } from '../../../domain/messages/sending.ts'
import { requireSessionUser } from '../../../utils/session-cookie.ts'
import { validator } from '../../../utils/validation.ts'

/** Sends a message (scripts and other clients): the stored message, also relayed live to the room. */
export default defineApiHandler(async (event) => {
  const user = await requireSessionUser(event)
  const { room } = await getValidatedRouterParams(event, validator(roomParamsSchema), { decode: true })
  const { text, clientId, replyTo, thread, alsoToRoom } = await readValidatedBody(event, validator(postMessageSchema))
  const message = await sendMessage(user, { room, text, clientId, replyTo, thread, alsoToRoom })
  setResponseStatus(event, 201)
  return message
})
