import { z } from './zod.ts'
import { ROOM_ID_MAX, ROOM_ID_PATTERN, ROOM_NAME_MAX, ROOM_TOPIC_MAX } from './limits.ts'

export const roomIdSchema = z.string().check(
  z.minLength(1, 'Room id is required'),
  z.maxLength(ROOM_ID_MAX, `Room id must be at most ${ROOM_ID_MAX} characters`),
  z.regex(ROOM_ID_PATTERN, 'Room id may contain only lower-case letters, digits and -, and must start and end with a letter or digit'),
)

export const roomParamsSchema = z.strictObject({ room: roomIdSchema })

/**
 * Control and invisible formatting characters (NUL, zero-width spaces, bidi overrides and
 * isolates) let one name look like another or reorder the text around it. The zero-width joiner
 * stays: emoji sequences need it.
 */
const INVISIBLE = /(?!\u200D)[\p{Cc}\p{Cf}]/u

/** Display text typed by people (room names, topics, display names): NFC-normalised, trimmed, nothing invisible. */
export const displayText = (what: string, max: number) => z.pipe(
  z.pipe(z.string(), z.transform((value: string) => value.normalize('NFC').trim())),
  z.string().check(
    z.maxLength(max, `${what} must be at most ${max} characters`),
    z.refine(value => !INVISIBLE.test(value), `${what} must not contain control or invisible formatting characters`),
  ),
)

const roomNameSchema = z.pipe(displayText('Room name', ROOM_NAME_MAX), z.string().check(z.minLength(1, 'Room name is required')))
const topicSchema = displayText('Topic', ROOM_TOPIC_MAX)

export const createRoomSchema = z.strictObject({
  id: z.optional(roomIdSchema),
  name: roomNameSchema,
  topic: z.optional(topicSchema),
  visibility: z.optional(z.enum(['public', 'private'], 'Visibility must be public or private')),
})

/** `PATCH /api/rooms/:room`: what the owner (or an admin) changes; at least one field. */
export const updateRoomSchema = z.strictObject({
  name: z.optional(roomNameSchema),
  topic: z.optional(topicSchema),
  archived: z.optional(z.boolean('Archived must be true or false')),
}).check(z.refine(body => Object.values(body).some(value => value !== undefined), 'Give a name, topic or archived'))

export type UpdateRoomInput = z.infer<typeof updateRoomSchema>

export type CreateRoomInput = z.infer<typeof createRoomSchema>

/** Derives a room id from its name: "Fargate Tips!" → "fargate-tips". */
export function roomIdFromName(name: string): string {
  return name.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, ROOM_ID_MAX).replace(/-+$/, '')
}
