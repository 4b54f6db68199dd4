import { getValidatedRouterParams } from 'h3'
import { memberParamsSchema } from '#shared/schemas/people'
import { defineApiHandler } from '../../../../utils/api-handler.ts'
import { removeRoomMember } from '../../../../domain/rooms/management.ts'
import { requireSessionUser } from '../../../../utils/session-cookie.ts'
import { validator } from '../../../../utils/validation.ts'

/** Leave a room (your own username), or the owner and ADMINS remove someone: at once, on every tab. */
export default defineApiHandler(async (event) => {
  const user = await requireSessionUser(event)
  const { room: id, username } = await getValidatedRouterParams(event, validator(memberParamsSchema), { decode: true })
  const room = await removeRoomMember(user, id, username)
  return { room }
})
