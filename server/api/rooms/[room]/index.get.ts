import { getValidatedRouterParams } from 'h3'
import { roomParamsSchema } from '#shared/schemas/rooms'
import { requireReadableRoom } from '../../../domain/rooms/access.ts'
import { defineApiHandler } from '../../../utils/api-handler.ts'
import { requireSessionUser } from '../../../utils/session-cookie.ts'
import { validator } from '../../../utils/validation.ts'

export default defineApiHandler(async (event) => {
  const user = await requireSessionUser(event)
  const { room: id } = await getValidatedRouterParams(event, validator(roomParamsSchema), { decode: true })
  return { room: await requireReadableRoom(user, id) }
})
