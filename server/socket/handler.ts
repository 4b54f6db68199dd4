import type { Ack } from '#shared/types/chat'
import type { ClientToServerEvents } from '#shared/types/socket'
import { socketPayloadSchemas, type SocketEventName, type SocketPayload } from '#shared/schemas/socket'
import { UnauthorizedError, UserError } from '../core/errors.ts'
import { log } from '../core/logger.ts'
import type { ChatSocket } from './types.ts'

/** What an event's ack carries on success (nothing for events without an ack). */
// eslint-disable-next-line @typescript-eslint/no-invalid-void-type -- handlers of ack-less events return nothing
type AckResult<E extends SocketEventName> = Parameters<ClientToServerEvents[E]> extends [...unknown[], Ack<infer R>] ? R : void

interface HandlerOptions {
  /** Refuse with this sentence before looking at the payload when the socket is not signed in. */
  signedIn?: string
  /** Answer every invalid payload with this sentence instead of the schema's (sign-in hides why). */
  invalid?: string
}

/** Every handler still running, so a shutdown can answer them all before closing connections. */
const running = new Set<Promise<unknown>>()

/** Resolves once every handler started so far has answered (graceful shutdown). */
export async function settleHandlers(): Promise<void> {
  while (running.size) await Promise.allSettled([...running])
}

/**
 * Registers a handler for one client event. The payload is parsed with that event's schema
 * first; the handler gets the typed result and cannot throw past here: the ack (if the client
 * asked for one, always the last argument) gets a UserError's words, or a generic sentence for
 * anything else, which is logged.
 */
export function on<E extends SocketEventName>(
  socket: ChatSocket,
  event: E,
  handler: (payload: SocketPayload<E>) => Promise<AckResult<E>> | AckResult<E>,
  options: HandlerOptions = {},
): void {
  const schema = socketPayloadSchemas[event]
  const listener = (...args: unknown[]): void => {
    const last = args[args.length - 1]
    const ack = typeof last === 'function' ? last as Ack<AckResult<E>> : null
    if (ack) args.pop()
    const handled = Promise.resolve()
      .then(() => {
        if (options.signedIn && !socket.data.user) throw new UnauthorizedError(options.signedIn)
        const parsed = schema.safeParse(args[0])
        if (!parsed.success) throw new UserError(options.invalid ?? parsed.error.issues[0]!.message)
        return handler(parsed.data as SocketPayload<E>)
      })
      .then(result => ack?.(null, result))
      .catch((error: unknown) => {
        if (error instanceof UserError) return ack?.(error.message)
        log.error('socket.handler_failed', { socketEvent: event, socket: socket.id, user: socket.data.user?.username, error })
        ack?.('Something went wrong on the server. Please try again.')
      })
    running.add(handled)
    void handled.finally(() => running.delete(handled))
  }
  // Socket.io types listeners per event name, which it cannot resolve for a generic name; this
  // listener takes the raw arguments and parses them itself.
  const register = socket.on.bind(socket) as (event: SocketEventName, listener: (...args: unknown[]) => void) => void
  register(event, listener)
}
