import { readValidatedBody } from 'h3'
import { loginSchema } from '#shared/schemas/auth'
import { signedInView } from '../../utils/access.ts'
import { defineApiHandler } from '../../utils/api-handler.ts'
import { getServerConfig } from '../../utils/config.ts'
import { clientAddress } from '../../utils/request-info.ts'
import { useServices } from '../../utils/services.ts'
import { startSession } from '../../utils/session.ts'
import { signIn } from '../../utils/sign-in.ts'
import { validator } from '../../utils/validation.ts'

export default defineApiHandler(async (event) => {
  const input = await readValidatedBody(event, validator(loginSchema))
  const user = await signIn(useServices().limits.signIn, input, clientAddress(event.node.req, getServerConfig().trustProxy))
  await startSession(event, user)
  return signedInView(user)
})
