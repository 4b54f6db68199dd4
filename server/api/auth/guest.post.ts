import { setResponseStatus } from 'h3'
import { defineApiHandler } from '../../utils/api-handler.ts'
import { getServerConfig } from '../../core/config.ts'
import { clientAddress } from '../../core/request-info.ts'
import { useServices } from '../../services/services.ts'
import { startSession } from '../../utils/session-cookie.ts'
import { createGuest } from '../../domain/people/users.ts'

export default defineApiHandler(async (event) => {
  await useServices().limits.guest(clientAddress(event.node.req, getServerConfig().trustProxy))
  const user = createGuest()
  await startSession(event, user)
  setResponseStatus(event, 201)
  return { user }
})
