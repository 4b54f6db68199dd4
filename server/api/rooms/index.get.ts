import { defineApiHandler } from '../../utils/api-handler.ts'
import { listRoomSummaries } from '../../utils/room-summaries.ts'
import { requireSessionUser } from '../../utils/session.ts'

export default defineApiHandler(async (event) => {
  const user = await requireSessionUser(event)
  return { rooms: await listRoomSummaries(user) }
})
