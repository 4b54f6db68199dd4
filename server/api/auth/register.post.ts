import { readValidatedBody, setResponseStatus } from 'h3'
import { registerSchema } from '#shared/schemas/auth'
import { signedInView } from '../../domain/rooms/access.ts'
import { defineApiHandler } from '../../utils/api-handler.ts'
import { getServerConfig } from '../../core/config.ts'
import { clientAddress } from '../../core/request-info.ts'
import { useServices } from '../../services/services.ts'
import { startSession } from '../../utils/session-cookie.ts'
import { registerUser } from '../../domain/people/users.ts'
import { validator } from '../../utils/validation.ts'

export default defineApiHandler(async (event) => {
  const input = await readValidatedBody(event, validator(registerSchema))
  await useServices().limits.register(clientAddress(event.node.req, getServerConfig().trustProxy))
  const user = await registerUser(input)
  await startSession(event, user)
  setResponseStatus(event, 201)
  return signedInView(user)
})
