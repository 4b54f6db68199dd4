import { getValidatedQuery, getValidatedRouterParams } from 'h3'
import { previewParamsSchema, previewQuerySchema } from '#shared/schemas/link-previews'
import { defineApiHandler } from '../../../../../../utils/api-handler.ts'
import { removePreview } from '../../../../../../domain/links/previews.ts'
import { requireSessionUser } from '../../../../../../utils/session-cookie.ts'
import { validator } from '../../../../../../utils/validation.ts'

/** The author takes a link's card off their message: the message as it is now. */
export default defineApiHandler(async (event) => {
  const user = await requireSessionUser(event)
  const { room, id, index } = await getValidatedRouterParams(event, validator(previewParamsSchema), { decode: true })
  const { url } = await getValidatedQuery(event, validator(previewQuerySchema))
  return removePreview(user, room, id, index, url)
})
