import type { Person, PublicUser } from '#shared/types/chat'
import { requireReadableRoom } from './access.ts'
import { getServerConfig } from '../../core/config.ts'
import { membersOf } from './memberships.ts'
import { getPeople } from '../people/profiles.ts'

/** A room's members as people (a DM's fixed list; none listed for default rooms, which hold everyone). */
export async function listMembers(user: PublicUser, id: string): Promise<Person[]> {
  const room = await requireReadableRoom(user, id)
  if (getServerConfig().defaultRooms.includes(room.id)) return []
  return getPeople(room.members ?? await membersOf(room.id))
}
