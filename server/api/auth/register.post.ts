import { readValidatedBody, setResponseStatus } from 'h3'
import { registerSchema } from '#shared/schemas/auth'
import { defineApiHandler } from '../../utils/api-handler.ts'
import { startSession } from '../../utils/session.ts'
import { registerUser } from '../../utils/users.ts'
import { validator } from '../../utils/validation.ts'

export default defineApiHandler(async (event) => {
  const input = await readValidatedBody(event, validator(registerSchema))
  const user = await registerUser(input)
  await startSession(event, user)
  setResponseStatus(event, 201)
  return { user }
})
