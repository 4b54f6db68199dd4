import { createError, defineEventHandler, setResponseStatus } from 'h3'
import { registerSchema } from '#shared/schemas/auth'
import { startSession } from '../../utils/session.ts'
import { registerUser, UsernameTakenError } from '../../utils/users.ts'
import { parseBody } from '../../utils/validation.ts'

export default defineEventHandler(async (event) => {
  const input = await parseBody(event, registerSchema)
  try {
    const user = await registerUser(input)
    await startSession(event, user)
    setResponseStatus(event, 201)
    return { user }
  }
  catch (error) {
    if (error instanceof UsernameTakenError) throw createError({ statusCode: 409, statusMessage: 'Conflict', message: error.message })
    throw error
  }
})
