import { randomBytes } from 'node:crypto'
import type { PublicUser } from '#shared/types/chat'
import type { LoginInput, RegisterInput } from '#shared/schemas/auth'
import { avatarUrl } from './avatars.ts'
import { getCredentials, putNewUser, updatePasswordHash, type UserItem } from '../../storage/users-table.ts'
import { getServerConfig } from '../../core/config.ts'
import { hashPassword, timingDummyHash, verifyPassword } from './passwords.ts'
import { initialReadMarkers } from '../rooms/read-markers.ts'
import { ConflictError } from '../../core/errors.ts'
import { indexPerson } from './profiles.ts'
import { assertNotGuestLike, claimName, NameTakenError, releaseName, sameName } from './names.ts'

export class UsernameTakenError extends ConflictError {
  readonly username: string
  constructor(username: string) {
    super(`The username "${username}" is already taken`)
    this.username = username
  }
}

function toPublic(user: Pick<UserItem, 'username' | 'avatar'>, guest = false): PublicUser {
  return { username: user.username, avatar: user.avatar, guest }
}

/**
 * Creates an account. Its username and display name are claimed first (names.ts), each only if
 * free, so a username that reads as someone's display name is taken, and two racing sign-ups of
 * one name fail cleanly; the claims are given back when the account is not created.
 */
export async function registerUser(input: RegisterInput): Promise<PublicUser> {
  const displayName = input.displayName && !sameName(input.displayName, input.username) ? input.displayName : undefined
  if (displayName) assertNotGuestLike(displayName)
  if (!await claimName(input.username, input.username, true)) throw new UsernameTakenError(input.username)
  if (displayName && !await claimName(input.username, displayName, true)) {
    await releaseName(input.username, input.username)
    throw new NameTakenError()
  }
  try {
    return await createAccount(input)
  }
  catch (error) {
    // Not created (the username existed before claims did): its claims go back.
    if (error instanceof UsernameTakenError) await Promise.all([input.username, ...(displayName ? [displayName] : [])].map(name => releaseName(input.username, name)))
    throw error
  }
}

async function createAccount(input: RegisterInput): Promise<PublicUser> {
  const email = input.email || undefined
  const record = {
    username: input.username,
    passwordHash: await hashPassword(input.password),
    ...(email ? { email } : {}),
    avatar: avatarUrl(input.username, email, input.gravatar),
    createdAt: Date.now(),
    ...(input.displayName ? { displayName: input.displayName } : {}),
  }
  if (!await putNewUser(record, initialReadMarkers(getServerConfig().defaultRooms, record.createdAt))) throw new UsernameTakenError(input.username)
  await indexPerson({ username: record.username, displayName: record.displayName ?? record.username, avatar: record.avatar })
  return toPublic(record)
}

/** Returns the user when the password matches, else null (same time spent either way). */
export async function verifyCredentials(input: LoginInput): Promise<PublicUser | null> {
  const user = await getCredentials(input.username)
  if (!user) {
    await verifyPassword(await timingDummyHash(), input.password)
    return null
  }
  return await verifyPassword(user.passwordHash, input.password) ? toPublic(user) : null
}

/** Replaces an account's password (the caller has checked the current one). */
export async function setPassword(username: string, password: string): Promise<void> {
  await updatePasswordHash(username, await hashPassword(password))
}

/**
 * A guest identity, `anonymous_<20 hex>`; it lives only in the session. 80 random bits: among
 * a billion guests the chance that any two ever share a name is under one in two million.
 */
export function createGuest(): PublicUser {
  const username = `anonymous_${randomBytes(10).toString('hex')}`
  return toPublic({ username, avatar: avatarUrl(username) }, true)
}
