import { readValidatedBody } from 'h3'
import { statusSchema } from '#shared/schemas/people'
import { defineApiHandler } from '../../utils/api-handler.ts'
import { setStatus } from '../../domain/people/changes.ts'
import { requireSessionUser } from '../../utils/session-cookie.ts'
import { validator } from '../../utils/validation.ts'

/** Sets the caller's status (accounts only); answers with them as everyone now sees them. */
export default defineApiHandler(async (event) => {
  const user = await requireSessionUser(event)
  const status = await readValidatedBody(event, validator(statusSchema))
  return { user: await setStatus(user, status) }
})
