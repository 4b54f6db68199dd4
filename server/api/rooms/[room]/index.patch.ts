import { getValidatedRouterParams, readValidatedBody } from 'h3'
import { roomParamsSchema, updateRoomSchema } from '#shared/schemas/rooms'
import { defineApiHandler } from '../../../utils/api-handler.ts'
import { changeRoom } from '../../../domain/rooms/management.ts'
import { requireSessionUser } from '../../../utils/session-cookie.ts'
import { validator } from '../../../utils/validation.ts'

/** Rename, change the topic, archive or unarchive: the owner and ADMINS (404 for outsiders). */
export default defineApiHandler(async (event) => {
  const user = await requireSessionUser(event)
  const { room: id } = await getValidatedRouterParams(event, validator(roomParamsSchema), { decode: true })
  const changes = await readValidatedBody(event, validator(updateRoomSchema))
  const room = await changeRoom(user, id, changes)
  return { room }
})
