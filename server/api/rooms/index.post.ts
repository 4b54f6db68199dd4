import { readValidatedBody, setResponseStatus } from 'h3'
import { createRoomSchema } from '#shared/schemas/rooms'
import { defineApiHandler } from '../../utils/api-handler.ts'
import { createRoomAs } from '../../domain/rooms/management.ts'
import { assertMayCreateRooms } from '../../domain/rooms/rooms.ts'
import { requireSessionUser } from '../../utils/session-cookie.ts'
import { validator } from '../../utils/validation.ts'

export default defineApiHandler(async (event) => {
  const user = await requireSessionUser(event)
  assertMayCreateRooms(user)
  const input = await readValidatedBody(event, validator(createRoomSchema))
  const room = await createRoomAs(user, input)
  setResponseStatus(event, 201)
  return { room }
})
