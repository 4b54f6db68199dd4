import { z } from './zod.ts'
import { ROOM_ID_MAX, ROOM_NAME_MAX, ROOM_TOPIC_MAX } from './limits.ts'

export const ROOM_ID_PATTERN = /^[a-z0-9-]{1,48}$/

export const roomIdSchema = z.string()
  .min(1, 'Room id is required')
  .max(ROOM_ID_MAX, `Room id must be at most ${ROOM_ID_MAX} characters`)
  .regex(ROOM_ID_PATTERN, 'Room id may contain only lower-case letters, digits and -')

export const roomParamsSchema = z.strictObject({ room: roomIdSchema })

export const createRoomSchema = z.strictObject({
  id: roomIdSchema.optional(),
  name: z.string().trim().min(1, 'Room name is required').max(ROOM_NAME_MAX, `Room name must be at most ${ROOM_NAME_MAX} characters`),
  topic: z.string().trim().max(ROOM_TOPIC_MAX, `Topic must be at most ${ROOM_TOPIC_MAX} characters`).optional(),
})

export type CreateRoomInput = z.infer<typeof createRoomSchema>

/** Derives a room id from its name: "Fargate Tips!" → "fargate-tips". */
export function roomIdFromName(name: string): string {
  return name.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, ROOM_ID_MAX).replace(/-+$/, '')
}
