import { readValidatedBody, setResponseStatus } from 'h3'
import { createDmSchema } from '#shared/schemas/people'
import { defineApiHandler } from '../utils/api-handler.ts'
import { startDirectMessage } from '../domain/rooms/management.ts'
import { requireSessionUser } from '../utils/session-cookie.ts'
import { validator } from '../utils/validation.ts'

/** The DM between the caller and `usernames`: the same room for the same people (201 when new). */
export default defineApiHandler(async (event) => {
  const user = await requireSessionUser(event)
  const { usernames } = await readValidatedBody(event, validator(createDmSchema))
  const { room, created } = await startDirectMessage(user, usernames)
  setResponseStatus(event, created ? 201 : 200)
  return { room }
})
