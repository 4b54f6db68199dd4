import { getValidatedRouterParams } from 'h3'
import { roomParamsSchema } from '#shared/schemas/rooms'
import { roomAvailability } from '../../domain/rooms/access.ts'
import { defineApiHandler } from '../../utils/api-handler.ts'
import { requireSessionUser } from '../../utils/session-cookie.ts'
import { validator } from '../../utils/validation.ts'

/** Whether a room id is free to create, for the page of a room the reader cannot open (never more than creating it would say). */
export default defineApiHandler(async (event) => {
  await requireSessionUser(event)
  const { room: id } = await getValidatedRouterParams(event, validator(roomParamsSchema), { decode: true })
  return { availability: await roomAvailability(id) }
})
