import { z } from './zod.ts'
import { ROOM_ID_MAX, ROOM_NAME_MAX, ROOM_TOPIC_MAX } from './limits.ts'

/** Lower-case letters, digits and inner dashes: `-`, `--` or `-x` are not ids. */
export const ROOM_ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$/

export const roomIdSchema = z.string()
  .min(1, 'Room id is required')
  .max(ROOM_ID_MAX, `Room id must be at most ${ROOM_ID_MAX} characters`)
  .regex(ROOM_ID_PATTERN, 'Room id may contain only lower-case letters, digits and -, and must start and end with a letter or digit')

export const roomParamsSchema = z.strictObject({ room: roomIdSchema })

/**
 * Control and invisible formatting characters (NUL, zero-width spaces, bidi overrides and
 * isolates) let one name look like another or reorder the text around it. The zero-width joiner
 * stays: emoji sequences need it.
 */
const INVISIBLE = /(?!\u200D)[\p{Cc}\p{Cf}]/u

/** Display text typed by people: NFC-normalised, trimmed, nothing invisible. */
const displayText = (what: string, max: number) => z.string()
  .transform(value => value.normalize('NFC').trim())
  .pipe(z.string()
    .max(max, `${what} must be at most ${max} characters`)
    .refine(value => !INVISIBLE.test(value), `${what} must not contain control or invisible formatting characters`))

export const createRoomSchema = z.strictObject({
  id: roomIdSchema.optional(),
  name: displayText('Room name', ROOM_NAME_MAX).pipe(z.string().min(1, 'Room name is required')),
  topic: displayText('Topic', ROOM_TOPIC_MAX).optional(),
})

export type CreateRoomInput = z.infer<typeof createRoomSchema>

/** Derives a room id from its name: "Fargate Tips!" → "fargate-tips". */
export function roomIdFromName(name: string): string {
  return name.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, ROOM_ID_MAX).replace(/-+$/, '')
}
