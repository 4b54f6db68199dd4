import { getValidatedRouterParams } from 'h3'
import { roomParamsSchema } from '#shared/schemas/rooms'
import { defineApiHandler } from '../../../../utils/api-handler.ts'
import { listMembers } from '../../../../domain/rooms/members.ts'
import { requireSessionUser } from '../../../../utils/session-cookie.ts'
import { validator } from '../../../../utils/validation.ts'

/** The room's members (people), for the member list and `@` autocomplete. */
export default defineApiHandler(async (event) => {
  const user = await requireSessionUser(event)
  const { room } = await getValidatedRouterParams(event, validator(roomParamsSchema), { decode: true })
  return { members: await listMembers(user, room) }
})
