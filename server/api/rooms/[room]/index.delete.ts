import { getValidatedRouterParams, setResponseStatus } from 'h3'
import { useNitroApp } from 'nitropack/runtime'
import { roomParamsSchema } from '#shared/schemas/rooms'
import { defineApiHandler } from '../../../utils/api-handler.ts'
import { removeRoom } from '../../../domain/rooms/management.ts'
import { requireSessionUser } from '../../../utils/session-cookie.ts'
import { validator } from '../../../utils/validation.ts'

/** Deletes a room: the owner and ADMINS (404 for outsiders). Members' open pages close. */
export default defineApiHandler(async (event) => {
  const user = await requireSessionUser(event)
  const { room: id } = await getValidatedRouterParams(event, validator(roomParamsSchema), { decode: true })
  const { room, members } = await removeRoom(user, id)
  await useNitroApp().hooks.callHook('chat:room-changed', { room, deleted: true, members })
  setResponseStatus(event, 204)
  return null
})
