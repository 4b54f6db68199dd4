import { readValidatedBody } from 'h3'
import { updateMeSchema } from '#shared/schemas/people'
import { defineApiHandler } from '../utils/api-handler.ts'
import { setDisplayName } from '../domain/people/changes.ts'
import { requireSessionUser } from '../utils/session-cookie.ts'
import { validator } from '../utils/validation.ts'

/** Changes the caller's display name (accounts only). */
export default defineApiHandler(async (event) => {
  const user = await requireSessionUser(event)
  const { displayName } = await readValidatedBody(event, validator(updateMeSchema))
  return { user: await setDisplayName(user, displayName) }
})
