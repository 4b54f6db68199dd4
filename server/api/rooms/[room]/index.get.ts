import { getValidatedRouterParams } from 'h3'
import { roomParamsSchema } from '#shared/schemas/rooms'
import { defineApiHandler } from '../../../utils/api-handler.ts'
import { NotFoundError } from '../../../utils/errors.ts'
import { getRoom } from '../../../utils/rooms.ts'
import { requireSessionUser } from '../../../utils/session.ts'
import { validator } from '../../../utils/validation.ts'

export default defineApiHandler(async (event) => {
  await requireSessionUser(event)
  const { room: id } = await getValidatedRouterParams(event, validator(roomParamsSchema), { decode: true })
  const room = await getRoom(id)
  if (!room) throw new NotFoundError(`No room "${id}"`)
  return { room }
})
