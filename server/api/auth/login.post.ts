import { createError, defineEventHandler, setHeader } from 'h3'
import { loginSchema } from '#shared/schemas/auth'
import { getServerConfig } from '../../utils/config.ts'
import { clientAddress } from '../../utils/request-info.ts'
import { startSession } from '../../utils/session.ts'
import { InvalidCredentialsError, signIn, TooManyAttemptsError } from '../../utils/sign-in.ts'
import { parseBody } from '../../utils/validation.ts'

export default defineEventHandler(async (event) => {
  const input = await parseBody(event, loginSchema)
  try {
    const user = await signIn(input, clientAddress(event.node.req, getServerConfig().trustProxy))
    await startSession(event, user)
    return { user }
  }
  catch (error) {
    if (error instanceof TooManyAttemptsError) {
      setHeader(event, 'Retry-After', error.retryAfter)
      throw createError({ statusCode: 429, statusMessage: 'Too Many Requests', message: error.message })
    }
    if (error instanceof InvalidCredentialsError) throw createError({ statusCode: 401, statusMessage: 'Unauthorized', message: error.message })
    throw error
  }
})
