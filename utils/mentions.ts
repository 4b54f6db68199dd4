import type { ChatMessage } from '#shared/types/chat'

/** Whether a message names the reader (`@them`, or `@room`). */
export function mentionsMe(message: ChatMessage, me: string | undefined): boolean {
  return Boolean(me && message.mentions?.some(name => name === me || name === 'room'))
}
