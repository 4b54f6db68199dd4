import type { Ack } from '#shared/types/chat'
import { messageIdSchema } from '#shared/schemas/messages'
import { roomIdSchema } from '#shared/schemas/rooms'
import { UserError } from '../utils/errors.ts'
import { roomExists } from '../utils/rooms.ts'
import { log } from '../utils/logger.ts'
import type { ChatSocket } from './types.ts'

type Listener = (...args: unknown[]) => void

/**
 * Registers a handler that cannot throw: the ack (if the client asked for one) is always the
 * last argument and may be missing; the payload is untrusted. UserErrors reach the client
 * word for word; anything else is logged and answered with a generic message.
 */
export function on<T>(socket: ChatSocket, event: string, handler: (payload: unknown) => Promise<T> | T): void {
  const listener: Listener = (...args) => {
    const last = args[args.length - 1]
    const ack: Ack<T> | null = typeof last === 'function' ? last as Ack<T> : null
    if (ack) args.pop()
    Promise.resolve()
      .then(() => handler(args[0]))
      .then(result => ack?.(null, result))
      .catch((error: unknown) => {
        if (error instanceof UserError) return ack?.(error.message)
        log.error('socket.handler_failed', { event, socket: socket.id, user: socket.data.user?.username, error })
        ack?.('Something went wrong on the server. Please try again.')
      })
  }
  // Payloads are validated inside each handler, so the listener takes unknown arguments.
  ;(socket as unknown as { on: (event: string, listener: Listener) => void }).on(event, listener)
}

/** The same check as the original app: a string, else this exact message. */
export function requireString(value: unknown, name: string): string {
  if (typeof value !== 'string') throw new UserError(`Must pass a parameter \`${name}\` which is a string`)
  return value
}

/** Reads a field of an untrusted payload without touching its prototype chain. */
export function field(payload: unknown, name: string): unknown {
  if (typeof payload !== 'object' || payload === null || !Object.hasOwn(payload, name)) return undefined
  return (payload as Record<string, unknown>)[name]
}

/** A payload's room: a string, a valid id, and a room that exists (else a message for the client). */
export async function existingRoom(value: unknown): Promise<string> {
  const room = requireString(value, 'room')
  const parsed = roomIdSchema.safeParse(room)
  if (!parsed.success) throw new UserError(`Room ids are 1–48 lower-case letters, digits or -, not "${room.slice(0, 60)}"`)
  if (!await roomExists(parsed.data)) throw new UserError(`There is no room "${room}"`)
  return parsed.data
}

/** An optional history cursor from a payload: absent, or a well-formed message id. */
export function cursor(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined
  const parsed = messageIdSchema.safeParse(value)
  if (!parsed.success) throw new UserError('Cursor must be a message id')
  return parsed.data
}
