import { defineEventHandler } from 'h3'
import { listRoomSummaries } from '../../utils/room-summaries.ts'
import { requireSessionUser } from '../../utils/session.ts'

export default defineEventHandler(async (event) => {
  const user = await requireSessionUser(event)
  return { rooms: await listRoomSummaries(user) }
})
