import { z } from './zod.ts'
import { loginSchema, registerSchema } from './auth.ts'
import { MESSAGE_ID_PATTERN, ROOM_ID_MAX, ROOM_ID_PATTERN } from './limits.ts'
import { clientIdSchema, emojiSchema, messageTextSchema } from './messages.ts'
import { attachmentIdsSchema } from './uploads.ts'

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
  .check(z.regex(MESSAGE_ID_PATTERN, `Must pass a parameter \`${name}\` which is a message id`))

/** No payload: whatever a client sends before its ack is ignored, as the original server did. */
const noPayload = z.pipe(z.unknown(), z.transform((): undefined => undefined))

/** Any non-object payload reads as an empty one, so field checks give the original messages. */
const payload = <S extends z.core.$ZodLooseShape>(shape: S) => z.pipe(z.transform((value: unknown) => (typeof value === 'object' && value !== null ? value : {})), z.object(shape))

// With attachments the text is an optional caption (it may be empty); without, it must say something.
const newMessagePayload = payload({
  room: socketRoomSchema,
  message: parameter('message'),
  clientId: z.optional(clientIdSchema),
  attachments: z.optional(attachmentIdsSchema),
  replyTo: z.optional(messageIdParameter('replyTo')),
  thread: z.optional(messageIdParameter('thread')),
  alsoToRoom: z.optional(z.boolean({ error: 'Must pass a parameter `alsoToRoom` which is true or false' })),
}).check((ctx) => {
  if (ctx.value.alsoToRoom && !ctx.value.thread) ctx.issues.push({ code: 'custom', path: ['alsoToRoom'], input: ctx.value.alsoToRoom, message: 'alsoToRoom goes with thread' })
  if (ctx.value.attachments?.length && !ctx.value.message.trim()) return
  const text = messageTextSchema.safeParse(ctx.value.message)
  if (!text.success) ctx.issues.push({ code: 'custom', path: ['message'], input: ctx.value.message, message: text.error.issues[0]!.message })
})

export const socketPayloadSchemas = {
  'room list': noPayload,
  'anonymous user': noPayload,
  'create user': registerSchema,
  'authenticate user': loginSchema,
  'new message': z.pipe(newMessagePayload, z.transform(({ message, ...rest }: z.output<typeof newMessagePayload>) => ({
    ...rest,
    message: rest.attachments?.length && !message.trim() ? '' : messageTextSchema.parse(message),
  }))),
  'message list': payload({
    room: socketRoomSchema,
    message: z.nullish(z.string({ error: 'Cursor must be a message id' }).check(z.regex(MESSAGE_ID_PATTERN, 'Cursor must be a message id'))),
  }),
  'typing': socketRoomSchema,
  'stop typing': socketRoomSchema,
  'join room': socketRoomSchema,
  'active': noPayload,
  'leave room': socketRoomSchema,
  'catch up': payload({ room: socketRoomSchema, after: messageIdParameter('after') }),
  'mark read': payload({ room: socketRoomSchema, message: messageIdParameter('message') }),
  'edit message': payload({ room: socketRoomSchema, message: messageIdParameter('message'), text: z.pipe(parameter('text'), messageTextSchema) }),
  'delete message': payload({ room: socketRoomSchema, message: messageIdParameter('message') }),
  'react': payload({
    room: socketRoomSchema,
    message: messageIdParameter('message'),
    emoji: z.pipe(parameter('emoji'), emojiSchema),
    add: z.boolean({ error: 'Must pass a parameter `add` which is true (react) or false (take back)' }),
  }),
  'catch up changes': payload({
    room: socketRoomSchema,
    since: z.number({ error: 'Must pass a parameter `since` which is a time in ms' })
      .check(z.int('Must pass a parameter `since` which is a time in ms'), z.gte(0, 'Must pass a parameter `since` which is a time in ms')),
    after: z.optional(z.string({ error: 'Must pass a parameter `after` which is a change cursor' })
      .check(z.regex(MESSAGE_ID_PATTERN, 'Must pass a parameter `after` which is a change cursor'))),
  }),
} satisfies Record<string, z.ZodMiniType>

export type SocketEventName = keyof typeof socketPayloadSchemas
/** What a client may send for an event (before parsing). */
export type SocketPayloadInput<E extends SocketEventName> = z.input<(typeof socketPayloadSchemas)[E]>
/** What a handler receives for an event (after parsing). */
export type SocketPayload<E extends SocketEventName> = z.output<(typeof socketPayloadSchemas)[E]>
