import { getValidatedRouterParams, setResponseStatus } from 'h3'
import { roomParamsSchema } from '#shared/schemas/rooms'
import { defineApiHandler } from '../../../utils/api-handler.ts'
import { removeRoom } from '../../../domain/rooms/management.ts'
import { requireSessionUser } from '../../../utils/session-cookie.ts'
import { validator } from '../../../utils/validation.ts'

/** Deletes a room: the owner and ADMINS (404 for outsiders). Members' open pages close. */
export default defineApiHandler(async (event) => {
  const user = await requireSessionUser(event)
  const { room: id } = await getValidatedRouterParams(event, validator(roomParamsSchema), { decode: true })
  await removeRoom(user, id)
  setResponseStatus(event, 204)
  return null
})
