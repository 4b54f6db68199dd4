import type { PublicUser } from '#shared/types/chat'
import type { LoginInput } from '#shared/schemas/auth'
import { getServerConfig } from './config.ts'
import { clearCounter, recordFailure, retryAfterSeconds, type LimitRule } from './rate-limit.ts'
import { verifyCredentials } from './users.ts'
import { UserError } from './errors.ts'

export class InvalidCredentialsError extends UserError {
  constructor() {
    super('No matching account found')
  }
}

export class TooManyAttemptsError extends UserError {
  readonly retryAfter: number
  constructor(retryAfter: number) {
    super(`Too many failed sign-ins. Try again in ${retryAfter} s.`)
    this.retryAfter = retryAfter
  }
}

/**
 * Password sign-in shared by the HTTP route and the socket event. Failed attempts are
 * limited per username and per client address; a success clears the username's count.
 */
export async function signIn(input: LoginInput, clientAddress: string): Promise<PublicUser> {
  const { limits } = getServerConfig()
  const rules: LimitRule[] = [
    { key: `login:user:${input.username}`, limit: limits.loginFailuresPerUser },
    { key: `login:addr:${clientAddress}`, limit: limits.loginFailuresPerAddress },
  ]
  const wait = await retryAfterSeconds(rules)
  if (wait > 0) throw new TooManyAttemptsError(wait)
  const user = await verifyCredentials(input)
  if (!user) {
    await recordFailure(rules, limits.loginWindowSeconds)
    throw new InvalidCredentialsError()
  }
  await clearCounter(rules[0]!.key)
  return user
}
