import { readValidatedBody } from 'h3'
import { changePasswordSchema } from '#shared/schemas/auth'
import { defineApiHandler } from '../../utils/api-handler.ts'
import { getServerConfig } from '../../core/config.ts'
import { ForbiddenError, UnauthorizedError } from '../../core/errors.ts'
import { clientAddress } from '../../core/request-info.ts'
import { useServices } from '../../services/services.ts'
import { endOtherSessions, requireSession } from '../../utils/session-cookie.ts'
import { signIn } from '../../domain/people/sign-in.ts'
import { setPassword } from '../../domain/people/users.ts'
import { validator } from '../../utils/validation.ts'

/** Changes the password (the current one required) and ends every other session of the account. */
export default defineApiHandler(async (event) => {
  const session = await requireSession(event)
  if (session.user.guest) throw new ForbiddenError('Guests have no password to change')
  const input = await readValidatedBody(event, validator(changePasswordSchema))
  // Checked like a sign-in, with its limits: a stolen session must not become a password oracle.
  const address = clientAddress(event.node.req, getServerConfig().trustProxy)
  await signIn(useServices().limits.signIn, { username: session.user.username, password: input.currentPassword }, address)
    .catch((error: unknown) => {
      // 403, not 401: the person is still signed in, only the password they typed is wrong.
      throw error instanceof UnauthorizedError ? new ForbiddenError('Your current password is not right') : error
    })
  await setPassword(session.user.username, input.newPassword)
  return { endedSessions: await endOtherSessions(session) }
})
