import type { ChatMessage, PublicUser } from '#shared/types/chat'
import { ConflictError, ForbiddenError, NotFoundError, type UserError } from '../../core/errors.ts'

/**
 * Why `user` may not edit `message` now, or null when they may. The update's condition decides;
 * this only puts its refusal into words (read after the refusal, never before the write).
 * Moderators do not edit other people's words: only the author edits.
 */
export function editRefusal(message: ChatMessage | null, user: Pick<PublicUser, 'username'>, now: number, windowHours: number): UserError | null {
  if (!message) return new NotFoundError('There is no such message')
  if (message.deleted) return new ConflictError('This message was deleted')
  if (message.username !== user.username) return new ForbiddenError('You can only edit your own messages')
  if (message.time < now - windowHours * 3_600_000) return new ForbiddenError(`Messages can be edited for ${windowHours} hours after sending`)
  return null
}
