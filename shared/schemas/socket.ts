import { z } from './zod.ts'
import { loginSchema, registerSchema } from './auth.ts'
import { clientIdSchema, MESSAGE_ID_PATTERN, messageTextSchema } from './messages.ts'
import { attachmentIdsSchema } from './uploads.ts'
import { ROOM_ID_MAX } from './limits.ts'
import { ROOM_ID_PATTERN } from './rooms.ts'

/**
 * One schema per client→server Socket.io event. The original protocol answered type errors with
 * fixed sentences ("Must pass a parameter `room` which is a string"); the schemas say exactly
 * those, so clients written for it see the same errors.
 */
const parameter = (name: string) => z.string({ error: `Must pass a parameter \`${name}\` which is a string` })

/** A room id in a payload: a string, and a well-formed id (whether it exists is checked later). */
const socketRoomSchema = parameter('room').check((ctx) => {
  if (ctx.value.length > ROOM_ID_MAX || !ROOM_ID_PATTERN.test(ctx.value)) {
    ctx.issues.push({ code: 'custom', input: ctx.value, message: `Room ids are 1–${ROOM_ID_MAX} lower-case letters, digits or -, not "${ctx.value.slice(0, 60)}"` })
  }
})

const messageIdParameter = (name: string) => z.string({ error: `Must pass a parameter \`${name}\` which is a message id` })
  .regex(MESSAGE_ID_PATTERN, `Must pass a parameter \`${name}\` which is a message id`)

/** No payload: whatever a client sends before its ack is ignored, as the original server did. */
const noPayload = z.unknown().transform((): undefined => undefined)

/** Any non-object payload reads as an empty one, so field checks give the original messages. */
const payload = <S extends z.ZodRawShape>(shape: S) => z.preprocess(value => (typeof value === 'object' && value !== null ? value : {}), z.object(shape))

export const socketPayloadSchemas = {
  'room list': noPayload,
  'anonymous user': noPayload,
  'create user': registerSchema,
  'authenticate user': loginSchema,
  // With attachments the text is an optional caption (it may be empty); without, it must say something.
  'new message': payload({ room: socketRoomSchema, message: parameter('message'), clientId: clientIdSchema.optional(), attachments: attachmentIdsSchema.optional() })
    .check((ctx) => {
      if (ctx.value.attachments?.length && !ctx.value.message.trim()) return
      const text = messageTextSchema.safeParse(ctx.value.message)
      if (!text.success) ctx.issues.push({ code: 'custom', path: ['message'], input: ctx.value.message, message: text.error.issues[0]!.message })
    })
    .transform(({ message, ...rest }) => ({ ...rest, message: rest.attachments?.length && !message.trim() ? '' : messageTextSchema.parse(message) })),
  'message list': payload({
    room: socketRoomSchema,
    message: z.string({ error: 'Cursor must be a message id' }).regex(MESSAGE_ID_PATTERN, 'Cursor must be a message id').nullish(),
  }),
  'typing': socketRoomSchema,
  'stop typing': socketRoomSchema,
  'join room': socketRoomSchema,
  'leave room': socketRoomSchema,
  'catch up': payload({ room: socketRoomSchema, after: messageIdParameter('after') }),
  'mark read': payload({ room: socketRoomSchema, message: messageIdParameter('message') }),
} satisfies Record<string, z.ZodType>

export type SocketEventName = keyof typeof socketPayloadSchemas
/** What a client may send for an event (before parsing). */
export type SocketPayloadInput<E extends SocketEventName> = z.input<(typeof socketPayloadSchemas)[E]>
/** What a handler receives for an event (after parsing). */
export type SocketPayload<E extends SocketEventName> = z.output<(typeof socketPayloadSchemas)[E]>
