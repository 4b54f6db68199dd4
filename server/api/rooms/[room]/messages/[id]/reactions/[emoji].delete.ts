import { getValidatedRouterParams } from 'h3'
import { reactionParamsSchema } from '#shared/schemas/messages'
import { defineApiHandler } from '../../../../../../utils/api-handler.ts'
import { react } from '../../../../../../domain/messages/reactions.ts'
import { requireSessionUser } from '../../../../../../utils/session-cookie.ts'
import { validator } from '../../../../../../utils/validation.ts'

/** Takes back the caller's reaction (idempotent); the emoji is URL-encoded in the path. Answers the message with its reactions. */
export default defineApiHandler(async (event) => {
  const user = await requireSessionUser(event)
  const { room, id, emoji } = await getValidatedRouterParams(event, validator(reactionParamsSchema), { decode: true })
  return react(user, room, id, emoji, false)
})
