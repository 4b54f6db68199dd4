import type { PublicUser } from '#shared/types/chat'
import type { LoginInput } from '#shared/schemas/auth'
import type { SignInLimiter } from '../../services/limits.ts'
import { verifyCredentials } from './users.ts'
import { UnauthorizedError } from '../../core/errors.ts'
import { log } from '../../core/logger.ts'
import { claimExistingNames } from './names.ts'

/**
 * Password sign-in shared by the HTTP route and the socket event. The attempt is taken from the
 * limits before the password is checked, and given back when it succeeds.
 */
export async function signIn(limiter: SignInLimiter, input: LoginInput, clientAddress: string): Promise<PublicUser> {
  await limiter.reserve(input.username, clientAddress)
  const user = await verifyCredentials(input)
  if (!user) throw new UnauthorizedError('No matching account found')
  await limiter.refund(input.username, clientAddress)
  // Accounts from before name claims existed claim their names now (names.ts).
  await claimExistingNames(user.username).catch((error: unknown) => log.warn('names.claim_failed', { username: user.username, error }))
  return user
}
