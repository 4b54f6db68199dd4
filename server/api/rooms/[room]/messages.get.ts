import { createError, defineEventHandler } from 'h3'
import { messageQuerySchema } from '#shared/schemas/messages'
import { roomParamsSchema } from '#shared/schemas/rooms'
import { listMessages } from '../../../utils/messages.ts'
import { roomExists } from '../../../utils/rooms.ts'
import { requireSessionUser } from '../../../utils/session.ts'
import { parseParams, parseQuery } from '../../../utils/validation.ts'

/** `?before=<id>` pages back (newest first); `?after=<id>` catches up (oldest first). */
export default defineEventHandler(async (event) => {
  await requireSessionUser(event)
  const { room } = parseParams(event, roomParamsSchema)
  const query = parseQuery(event, messageQuerySchema)
  if (!await roomExists(room)) throw createError({ statusCode: 404, statusMessage: 'Not Found', message: `No room "${room}"` })
  return listMessages(room, query)
})
