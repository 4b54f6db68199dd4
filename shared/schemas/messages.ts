import { z } from './zod.ts'
import { MESSAGE_MAX, PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX } from './limits.ts'
import { roomIdSchema } from './rooms.ts'

/** A message id is `<13-digit ms timestamp>:<random hex>`; it doubles as the history cursor. */
export const MESSAGE_ID_PATTERN = /^\d{13}:[0-9a-f]{8,32}$/

const messageIdSchema = z.string().regex(MESSAGE_ID_PATTERN, 'Cursor must be a message id')

export const messageTextSchema = z.string()
  .trim()
  .min(1, 'Message must not be empty')
  .max(MESSAGE_MAX, `Message must be at most ${MESSAGE_MAX} characters`)

export const messageQuerySchema = z.strictObject({
  before: messageIdSchema.optional(),
  after: messageIdSchema.optional(),
  /** The page around one message (a link to it): some before, the message, some after. */
  around: messageIdSchema.optional(),
  limit: z.coerce.number().int('Limit must be a whole number').min(1, 'Limit must be at least 1').max(PAGE_SIZE_MAX, `Limit must be at most ${PAGE_SIZE_MAX}`).default(PAGE_SIZE_DEFAULT),
})
  .refine(q => !(q.before && q.after), { message: 'Use either before or after, not both' })
  .refine(q => !(q.around && (q.before || q.after)), { message: 'Use around alone, without before or after' })

export const newMessageSchema = z.strictObject({
  room: roomIdSchema,
  message: messageTextSchema,
})

/** A sender's own id for one message, so that retrying the send never stores it twice. */
export const clientIdSchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'clientId must be 8–64 letters, digits, _ or -')
