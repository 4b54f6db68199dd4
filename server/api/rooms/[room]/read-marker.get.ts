import { getValidatedRouterParams } from 'h3'
import { roomParamsSchema } from '#shared/schemas/rooms'
import { defineApiHandler } from '../../../utils/api-handler.ts'
import { readMarkerIn } from '../../../domain/rooms/reading.ts'
import { requireSessionUser } from '../../../utils/session-cookie.ts'
import { validator } from '../../../utils/validation.ts'

/** How far the caller has read in the room (`marker`: the newest message id they had seen; null for guests and rooms never read). */
export default defineApiHandler(async (event) => {
  const user = await requireSessionUser(event)
  const { room } = await getValidatedRouterParams(event, validator(roomParamsSchema), { decode: true })
  return { marker: await readMarkerIn(user, room) }
})
