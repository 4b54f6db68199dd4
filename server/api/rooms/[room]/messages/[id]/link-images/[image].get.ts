import { getValidatedRouterParams, sendStream, setResponseHeaders } from 'h3'
import { linkImageParamsSchema } from '#shared/schemas/link-previews'
import { defineApiHandler } from '../../../../../../utils/api-handler.ts'
import { openCardImage } from '../../../../../../domain/links/card-images.ts'
import { requireSessionUser } from '../../../../../../utils/session-cookie.ts'
import { validator } from '../../../../../../utils/validation.ts'

/** A link card's image as the server re-encoded it, for those who may read the room. */
export default defineApiHandler(async (event) => {
  const user = await requireSessionUser(event)
  const { room, id, image } = await getValidatedRouterParams(event, validator(linkImageParamsSchema), { decode: true })
  const { body, size } = await openCardImage(user, room, id, image)
  setResponseHeaders(event, {
    'Content-Type': 'image/webp',
    'Content-Length': String(size),
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': 'default-src \'none\'; sandbox',
    // An image id is the hash of its address: its bytes never change, but access can.
    'Cache-Control': 'private, max-age=3600',
  })
  return sendStream(event, body)
})
