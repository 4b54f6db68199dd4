import { createHash } from 'node:crypto'
import type { PublicUser, Room } from '#shared/types/chat'
import { DM_PEOPLE_MAX } from '#shared/schemas/limits'
import { avatarUrl } from '../people/avatars.ts'
import { ForbiddenError, UserError } from '../../core/errors.ts'
import { addMember } from './memberships.ts'
import { requireAccounts } from '../people/profiles.ts'
import { DM_PREFIX, getRoom, putDirectRoom } from './rooms.ts'

/**
 * The id of the DM between exactly these people: the same set always gives the same id (so a
 * pair always lands in the same conversation), and the id says nothing about who is in it.
 */
export function dmRoomId(usernames: string[]): string {
  const people = [...new Set(usernames)].sort()
  return `${DM_PREFIX}${createHash('sha256').update(people.join(',')).digest('hex').slice(0, 40)}`
}

/** The DM between the starter and `usernames`, created on first use; its people never change. */
export async function openDirectMessage(starter: PublicUser, usernames: string[]): Promise<{ room: Room, created: boolean }> {
  if (starter.guest) throw new ForbiddenError('Guests cannot start direct messages. Create an account first.')
  const people = [...new Set([starter.username, ...usernames])].sort()
  if (people.length < 2) throw new UserError('Name someone other than yourself')
  if (people.length > DM_PEOPLE_MAX) throw new UserError(`A direct message has at most ${DM_PEOPLE_MAX} people`)
  const id = dmRoomId(people)
  const existing = await getRoom(id)
  if (existing) return { room: existing, created: false }
  await requireAccounts(people.filter(name => name !== starter.username))
  const room: Room = { id, name: '', topic: '', image: avatarUrl(id), createdBy: starter.username, createdAt: Date.now(), visibility: 'private', kind: 'dm', members: people }
  const created = await putDirectRoom(room)
  // Rows for every person, so the DM is in each of their sidebars (idempotent if two raced).
  await Promise.all(people.map(username => addMember(id, username)))
  return { room: created ? room : (await getRoom(id)) ?? room, created }
}
