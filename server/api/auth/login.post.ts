import { readValidatedBody } from 'h3'
import { loginSchema } from '#shared/schemas/auth'
import { signedInView } from '../../domain/rooms/access.ts'
import { defineApiHandler } from '../../utils/api-handler.ts'
import { getServerConfig } from '../../core/config.ts'
import { clientAddress } from '../../core/request-info.ts'
import { useServices } from '../../services/services.ts'
import { startSession } from '../../utils/session-cookie.ts'
import { signIn } from '../../domain/people/sign-in.ts'
import { validator } from '../../utils/validation.ts'
import { colorModeOf } from '../../domain/people/preferences.ts'
import { setColorModeCookie } from '../../utils/color-mode-cookie.ts'

export default defineApiHandler(async (event) => {
  const input = await readValidatedBody(event, validator(loginSchema))
  const user = await signIn(useServices().limits.signIn, input, clientAddress(event.node.req, getServerConfig().trustProxy))
  await startSession(event, user)
  // A browser new to this account gets its colour mode before the first page it renders.
  const mode = await colorModeOf(user)
  if (mode) setColorModeCookie(event, mode)
  return signedInView(user)
})
