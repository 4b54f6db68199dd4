import { createError, defineEventHandler } from 'h3'
import { roomParamsSchema } from '#shared/schemas/rooms'
import { getRoom } from '../../../utils/rooms.ts'
import { requireSessionUser } from '../../../utils/session.ts'
import { parseParams } from '../../../utils/validation.ts'

export default defineEventHandler(async (event) => {
  await requireSessionUser(event)
  const { room: id } = parseParams(event, roomParamsSchema)
  const room = await getRoom(id)
  if (!room) throw createError({ statusCode: 404, statusMessage: 'Not Found', message: `No room "${id}"` })
  return { room }
})
