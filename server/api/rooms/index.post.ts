import { createError, defineEventHandler, setResponseStatus } from 'h3'
import { createRoomSchema } from '#shared/schemas/rooms'
import { announceRoomCreated } from '../../utils/room-events.ts'
import { summarise } from '../../utils/room-summaries.ts'
import { createRoom, InvalidRoomNameError, RoomExistsError } from '../../utils/rooms.ts'
import { requireSessionUser } from '../../utils/session.ts'
import { parseBody } from '../../utils/validation.ts'

export default defineEventHandler(async (event) => {
  const user = await requireSessionUser(event)
  const input = await parseBody(event, createRoomSchema)
  try {
    const room = await createRoom(input, user.username)
    announceRoomCreated(await summarise(room, {}))
    setResponseStatus(event, 201)
    return { room }
  }
  catch (error) {
    if (error instanceof RoomExistsError) throw createError({ statusCode: 409, statusMessage: 'Conflict', message: error.message })
    if (error instanceof InvalidRoomNameError) throw createError({ statusCode: 400, statusMessage: 'Bad Request', message: error.message })
    throw error
  }
})
