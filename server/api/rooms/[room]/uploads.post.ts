import { getValidatedRouterParams, readValidatedBody, setResponseStatus } from 'h3'
import { roomParamsSchema } from '#shared/schemas/rooms'
import { uploadRequestSchema } from '#shared/schemas/uploads'
import { defineApiHandler } from '../../../utils/api-handler.ts'
import { requireSessionUser } from '../../../utils/session-cookie.ts'
import { createUpload } from '../../../domain/files/uploads.ts'
import { validator } from '../../../utils/validation.ts'

/** `{ name, size, type }` → a presigned POST the browser uploads the file with, straight to the bucket. */
export default defineApiHandler(async (event) => {
  const user = await requireSessionUser(event)
  const { room } = await getValidatedRouterParams(event, validator(roomParamsSchema), { decode: true })
  const input = await readValidatedBody(event, validator(uploadRequestSchema))
  const grant = await createUpload(user, room, input)
  setResponseStatus(event, 201)
  return grant
})
