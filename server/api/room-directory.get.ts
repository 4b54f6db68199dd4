import { getValidatedQuery } from 'h3'
import { z } from '#shared/schemas/zod'
import { PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX } from '#shared/schemas/limits'
import { roomIdSchema } from '#shared/schemas/rooms'
import { defineApiHandler } from '../utils/api-handler.ts'
import { requireSessionUser } from '../utils/session-cookie.ts'
import { validator } from '../utils/validation.ts'
import { useRoomDirectory } from '../domain/rooms/directory.ts'

const QuerySchema = z.strictObject({
  after: z.optional(roomIdSchema),
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(PAGE_SIZE_MAX)), PAGE_SIZE_DEFAULT),
})

/** Every public room, a page at a time by id (`?after=<id>` for the next): for browsing and joining. */
export default defineApiHandler(async (event) => {
  await requireSessionUser(event)
  const query = await getValidatedQuery(event, validator(QuerySchema))
  return useRoomDirectory().page(query)
})
