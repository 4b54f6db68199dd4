import { getValidatedQuery } from 'h3'
import { searchRequestSchema } from '#shared/schemas/search'
import { defineApiHandler } from '../utils/api-handler.ts'
import { searchMessages } from '../domain/search/search.ts'
import { requireSessionUser } from '../utils/session-cookie.ts'
import { validator } from '../utils/validation.ts'

/** `?q=<words and filters>&limit=&before=<id>`: the caller's readable messages that match, newest first. */
export default defineApiHandler(async (event) => {
  const user = await requireSessionUser(event)
  const { q, limit, before } = await getValidatedQuery(event, validator(searchRequestSchema))
  return searchMessages(user, q, { limit, before })
})
