import { z } from './zod.ts'
import { MESSAGE_ID_PATTERN, MESSAGE_MAX, PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX } from './limits.ts'
import { roomIdSchema } from './rooms.ts'
import { canonicalEmoji } from '../utils/emoji.ts'

const messageIdSchema = z.string().check(z.regex(MESSAGE_ID_PATTERN, 'Cursor must be a message id'))

export const messageTextSchema = z.string().check(
  z.trim(),
  z.minLength(1, 'Message must not be empty'),
  z.maxLength(MESSAGE_MAX, `Message must be at most ${MESSAGE_MAX} characters`),
)

export const messageQuerySchema = z.strictObject({
  before: z.optional(messageIdSchema),
  after: z.optional(messageIdSchema),
  /** The page around one message (a link to it): some before, the message, some after. */
  around: z.optional(messageIdSchema),
  limit: z._default(
    z.coerce.number().check(z.int('Limit must be a whole number'), z.gte(1, 'Limit must be at least 1'), z.lte(PAGE_SIZE_MAX, `Limit must be at most ${PAGE_SIZE_MAX}`)),
    PAGE_SIZE_DEFAULT,
  ),
}).check(
  z.refine(q => !(q.before && q.after), { message: 'Use either before or after, not both' }),
  z.refine(q => !(q.around && (q.before || q.after)), { message: 'Use around alone, without before or after' }),
)

export const newMessageSchema = z.strictObject({
  room: roomIdSchema,
  message: messageTextSchema,
})

/** A sender's own id for one message, so that retrying the send never stores it twice. */
export const clientIdSchema = z.string().check(z.regex(/^[A-Za-z0-9_-]{8,64}$/, 'clientId must be 8–64 letters, digits, _ or -'))

/** A message named in a path or payload. */
export const messageRefSchema = z.string().check(z.regex(MESSAGE_ID_PATTERN, 'Message id must be <13-digit time>:<hex>, as messages carry it'))

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' })

/** One grapheme with no letters, digits, spaces or markup (keycaps such as #️⃣ and flags are emoji). */
export function isOneEmoji(value: string): boolean {
  if ([...graphemes.segment(value)].length !== 1) return false
  return !/[\s\p{L}\p{N}<>&]/u.test(value.replace(/[\u{1F1E6}-\u{1F1FF}]|[#*0-9]\uFE0F?\u20E3/gu, ''))
}

/**
 * An emoji as one reaction: a short run of emoji characters (no letters or spaces), brought to
 * one spelling (`canonicalEmoji`). Whether it is a known emoji is checked against the catalogue
 * on the server (server/domain/messages/reactions.ts), which is too large to load with every form.
 */
export const emojiSchema = z.pipe(
  z.string().check(
    z.minLength(1, 'Emoji is required'),
    z.maxLength(32, 'An emoji is at most 32 characters'),
    z.refine(value => isOneEmoji(value), 'Reactions are single emoji such as 👍'),
  ),
  z.transform(canonicalEmoji),
)

/** `POST /api/rooms/:room/messages`: what a script or another client sends. */
export const postMessageSchema = z.strictObject({
  text: messageTextSchema,
  clientId: z.optional(clientIdSchema),
  replyTo: z.optional(messageRefSchema),
  /** A thread reply: its parent's id. */
  thread: z.optional(messageRefSchema),
  /** A thread reply shown in the room's stream too ("Also send to #room"). */
  alsoToRoom: z.optional(z.boolean('alsoToRoom must be true or false')),
}).check(z.refine(m => !m.alsoToRoom || Boolean(m.thread), { message: 'alsoToRoom goes with thread', path: ['alsoToRoom'] }))

/** `GET /api/rooms/:room/messages/:id/thread`: a page of the thread's replies, oldest first. */
export const threadQuerySchema = z.strictObject({
  after: z.optional(messageIdSchema),
  limit: z._default(
    z.coerce.number().check(z.int('Limit must be a whole number'), z.gte(1, 'Limit must be at least 1'), z.lte(PAGE_SIZE_MAX, `Limit must be at most ${PAGE_SIZE_MAX}`)),
    PAGE_SIZE_DEFAULT,
  ),
})

/** `PATCH /api/rooms/:room/messages/:id`: the new text. */
export const editMessageSchema = z.strictObject({ text: messageTextSchema })

export const messageParamsSchema = z.strictObject({ room: roomIdSchema, id: messageRefSchema })

export const reactionParamsSchema = z.strictObject({ room: roomIdSchema, id: messageRefSchema, emoji: emojiSchema })
