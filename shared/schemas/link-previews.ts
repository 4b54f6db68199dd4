import { z } from './zod.ts'
import { messageRefSchema } from './messages.ts'
import { roomIdSchema } from './rooms.ts'

/** `DELETE /api/rooms/:room/messages/:id/previews/:index?url=`: the card at `index`, still for `url`. */
export const previewParamsSchema = z.strictObject({
  room: roomIdSchema,
  id: messageRefSchema,
  index: z.coerce.number().check(z.int('Preview index must be a whole number'), z.gte(0, 'Preview index must be 0 or more'), z.lte(9, 'Preview index must be at most 9')),
})
export const previewQuerySchema = z.strictObject({ url: z.string().check(z.minLength(1, 'url is required'), z.maxLength(2048, 'url must be at most 2048 characters')) })

/** `GET /api/rooms/:room/messages/:id/link-images/:image`: a card's image, by its id. */
export const linkImageParamsSchema = z.strictObject({
  room: roomIdSchema,
  id: messageRefSchema,
  image: z.string().check(z.regex(/^[0-9a-f]{32}$/, 'Image id must be 32 hex digits')),
})
