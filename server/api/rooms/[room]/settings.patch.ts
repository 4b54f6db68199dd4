import { getValidatedRouterParams, readValidatedBody } from 'h3'
import { memberSettingsSchema } from '#shared/schemas/people'
import { roomParamsSchema } from '#shared/schemas/rooms'
import { defineApiHandler } from '../../../utils/api-handler.ts'
import { changeMemberSettings } from '../../../domain/rooms/management.ts'
import { requireSessionUser } from '../../../utils/session-cookie.ts'
import { validator } from '../../../utils/validation.ts'

/** The caller's own settings for a room: `muted`, `notify` (all, mentions, nothing). */
export default defineApiHandler(async (event) => {
  const user = await requireSessionUser(event)
  const { room } = await getValidatedRouterParams(event, validator(roomParamsSchema), { decode: true })
  const settings = await readValidatedBody(event, validator(memberSettingsSchema))
  await changeMemberSettings(user, room, settings)
  return { settings }
})
