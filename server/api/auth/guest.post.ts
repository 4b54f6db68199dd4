import { setResponseStatus } from 'h3'
import { defineApiHandler } from '../../utils/api-handler.ts'
import { getServerConfig } from '../../utils/config.ts'
import { clientAddress } from '../../utils/request-info.ts'
import { useServices } from '../../utils/services.ts'
import { startSession } from '../../utils/session.ts'
import { createGuest } from '../../utils/users.ts'

export default defineApiHandler(async (event) => {
  await useServices().limits.guest(clientAddress(event.node.req, getServerConfig().trustProxy))
  const user = createGuest()
  await startSession(event, user)
  setResponseStatus(event, 201)
  return { user }
})
