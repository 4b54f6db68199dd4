import { getValidatedRouterParams } from 'h3'
import { fileParamsSchema } from '#shared/schemas/uploads'
import { defineApiHandler } from '../../../../../utils/api-handler.ts'
import { sendFile } from '../../../../../utils/file-response.ts'
import { openFile } from '../../../../../domain/files/downloads.ts'
import { requireSessionUser } from '../../../../../utils/session-cookie.ts'
import { validator } from '../../../../../utils/validation.ts'

/** An image's thumbnail (once `attachment ready` said it exists), for those who may read the room. */
export default defineApiHandler(async (event) => {
  const user = await requireSessionUser(event)
  const { room, id } = await getValidatedRouterParams(event, validator(fileParamsSchema), { decode: true })
  return sendFile(event, await openFile(user, room, id, 'thumbnail'))
})
