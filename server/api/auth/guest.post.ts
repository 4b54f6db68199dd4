import { defineEventHandler, setResponseStatus } from 'h3'
import { startSession } from '../../utils/session.ts'
import { createGuest } from '../../utils/users.ts'

export default defineEventHandler(async (event) => {
  const user = createGuest()
  await startSession(event, user)
  setResponseStatus(event, 201)
  return { user }
})
