import { getValidatedQuery } from 'h3'
import { userQuerySchema } from '#shared/schemas/people'
import { defineApiHandler } from '../../utils/api-handler.ts'
import { findPeople } from '../../domain/people/profiles.ts'
import { requireSessionUser } from '../../utils/session-cookie.ts'
import { validator } from '../../utils/validation.ts'

/** `?q=` people search by username or display name prefix; `?names=a,b` people by username. */
export default defineApiHandler(async (event) => {
  await requireSessionUser(event)
  return { users: await findPeople(await getValidatedQuery(event, validator(userQuerySchema))) }
})
