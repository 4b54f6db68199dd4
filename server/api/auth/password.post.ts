import { readValidatedBody } from 'h3'
import { changePasswordSchema } from '#shared/schemas/auth'
import { defineApiHandler } from '../../utils/api-handler.ts'
import { getServerConfig } from '../../utils/config.ts'
import { ForbiddenError, UnauthorizedError } from '../../utils/errors.ts'
import { clientAddress } from '../../utils/request-info.ts'
import { useServices } from '../../utils/services.ts'
import { endOtherSessions, requireSession } from '../../utils/session.ts'
import { signIn } from '../../utils/sign-in.ts'
import { setPassword } from '../../utils/users.ts'
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
