import { defineApiHandler } from '../../utils/api-handler.ts'
import { listRoomSummaries } from '../../domain/rooms/summaries.ts'
import { requireSessionUser } from '../../utils/session-cookie.ts'

export default defineApiHandler(async (event) => {
  const user = await requireSessionUser(event)
  return { rooms: await listRoomSummaries(user) }
})
