import { getValidatedRouterParams } from 'h3'
import { roomParamsSchema } from '#shared/schemas/rooms'
import { defineApiHandler } from '../../../utils/api-handler.ts'
import { listPins } from '../../../domain/messages/pins.ts'
import { requireSessionUser } from '../../../utils/session-cookie.ts'
import { validator } from '../../../utils/validation.ts'

/** The room's pinned messages, the most recently pinned first (at most 100). */
export default defineApiHandler(async (event) => {
  const user = await requireSessionUser(event)
  const { room } = await getValidatedRouterParams(event, validator(roomParamsSchema), { decode: true })
  return { messages: await listPins(user, room) }
})
