import { getValidatedRouterParams, readValidatedBody } from 'h3'
import { addMemberSchema } from '#shared/schemas/people'
import { roomParamsSchema } from '#shared/schemas/rooms'
import { defineApiHandler } from '../../../../utils/api-handler.ts'
import { addRoomMember } from '../../../../domain/rooms/management.ts'
import { requireSessionUser } from '../../../../utils/session-cookie.ts'
import { validator } from '../../../../utils/validation.ts'

/** Join a public room (your own username) or invite someone to a room you are in. */
export default defineApiHandler(async (event) => {
  const user = await requireSessionUser(event)
  const { room: id } = await getValidatedRouterParams(event, validator(roomParamsSchema), { decode: true })
  const { username } = await readValidatedBody(event, validator(addMemberSchema))
  const room = await addRoomMember(user, id, username)
  return { room }
})
