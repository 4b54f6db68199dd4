import { randomBytes } from 'node:crypto'
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb'
import type { PublicUser } from '#shared/types/chat'
import type { LoginInput, RegisterInput } from '#shared/schemas/auth'
import { avatarUrl } from './avatars.ts'
import { getDatabase } from '../../storage/database.ts'
import { getServerConfig } from '../../core/config.ts'
import { hashPassword, timingDummyHash, verifyPassword } from './passwords.ts'
import { initialReadMarkers } from '../rooms/read-markers.ts'
import { ConflictError } from '../../core/errors.ts'
import { indexPerson } from './profiles.ts'

/** A row of the Users table. Guests are never stored. */
interface UserRecord {
  username: string
  passwordHash: string
  email?: string
  avatar: string
  createdAt: number
  displayName?: string
}

export class UsernameTakenError extends ConflictError {
  readonly username: string
  constructor(username: string) {
    super(`The username "${username}" is already taken`)
    this.username = username
  }
}

function toPublic(user: Pick<UserRecord, 'username' | 'avatar'>, guest = false): PublicUser {
  return { username: user.username, avatar: user.avatar, guest }
}

/** Creates an account; a conditional put makes two racing sign-ups of one name fail cleanly. */
export async function registerUser(input: RegisterInput): Promise<PublicUser> {
  const { doc, tables } = await getDatabase()
  const email = input.email || undefined
  const record: UserRecord = {
    username: input.username,
    passwordHash: await hashPassword(input.password),
    email,
    avatar: avatarUrl(input.username, email, input.gravatar),
    createdAt: Date.now(),
    ...(input.displayName ? { displayName: input.displayName } : {}),
  }
  try {
    const Item = { ...record, ...initialReadMarkers(getServerConfig().defaultRooms, record.createdAt) }
    await doc.send(new PutCommand({ TableName: tables.users, Item, ConditionExpression: 'attribute_not_exists(username)' }))
  }
  catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') throw new UsernameTakenError(input.username)
    throw error
  }
  await indexPerson({ username: record.username, displayName: record.displayName ?? record.username, avatar: record.avatar })
  return toPublic(record)
}

/** Returns the user when the password matches, else null (same time spent either way). */
export async function verifyCredentials(input: LoginInput): Promise<PublicUser | null> {
  const { doc, tables } = await getDatabase()
  const { Item } = await doc.send(new GetCommand({ TableName: tables.users, Key: { username: input.username } }))
  const user = Item as UserRecord | undefined
  if (!user) {
    await verifyPassword(await timingDummyHash(), input.password)
    return null
  }
  return await verifyPassword(user.passwordHash, input.password) ? toPublic(user) : null
}

/** Replaces an account's password (the caller has checked the current one). */
export async function setPassword(username: string, password: string): Promise<void> {
  const { doc, tables } = await getDatabase()
  await doc.send(new UpdateCommand({
    TableName: tables.users,
    Key: { username },
    UpdateExpression: 'SET passwordHash = :hash',
    ConditionExpression: 'attribute_exists(username)',
    ExpressionAttributeValues: { ':hash': await hashPassword(password) },
  }))
}

/**
 * A guest identity, `anonymous_<20 hex>`; it lives only in the session. 80 random bits: among
 * a billion guests the chance that any two ever share a name is under one in two million.
 */
export function createGuest(): PublicUser {
  const username = `anonymous_${randomBytes(10).toString('hex')}`
  return toPublic({ username, avatar: avatarUrl(username) }, true)
}
