import { describe, expect, it } from 'vitest'
import type { PublicUser, Room } from '#shared/types/chat'
import { assertMayAddMember, assertMayRemoveMember, isMember, mayModerate, readableRooms, requireManageableRoom, requireReadableRoom, requireWritableRoom } from '../../server/domain/rooms/access.ts'
import { ForbiddenError, NotFoundError, UserError } from '../../server/core/errors.ts'
import { dmRoomId, openDirectMessage } from '../../server/domain/rooms/dms.ts'
import { createRoom, updateRoom } from '../../server/domain/rooms/rooms.ts'
import { addMember, removeMember } from '../../server/domain/rooms/memberships.ts'
import { registerUser } from '../../server/domain/people/users.ts'
import { useEmbeddedDatabase } from '../support/embedded-db.ts'

useEmbeddedDatabase()

const person = (username: string): PublicUser => ({ username, avatar: `/api/avatars/${username}.svg`, guest: false })
const owner = person('owner')
const member = person('member')
const outsider = person('outsider')
const guest: PublicUser = { username: 'anonymous_0123456789abcdef0123', avatar: '/g.svg', guest: true }

async function accounts() {
  for (const user of [owner, member, outsider]) await registerUser({ username: user.username, password: 'Correct-Horse-9' }).catch(() => undefined)
}

describe('the access rules', () => {
  it('let everyone, guests included, read and write a public room', async () => {
    await accounts()
    await createRoom({ id: 'open-room', name: 'Open' }, owner)
    for (const user of [owner, outsider, guest]) {
      expect((await requireReadableRoom(user, 'open-room')).id).toBe('open-room')
      expect((await requireWritableRoom(user, 'open-room')).id).toBe('open-room')
    }
  })

  it('let only members read a private room, and answer others as for a room that does not exist', async () => {
    await accounts()
    const room = await createRoom({ id: 'closed-room', name: 'Closed', visibility: 'private' }, owner)
    await assertMayAddMember(owner, room, member.username)
    await addMember(room.id, member.username)
    expect((await requireReadableRoom(member, room.id)).id).toBe(room.id)
    for (const user of [outsider, guest]) {
      const refusal = await requireReadableRoom(user, room.id).catch((error: unknown) => error)
      const missing = await requireReadableRoom(user, 'no-such-room').catch((error: unknown) => error)
      expect(refusal).toBeInstanceOf(NotFoundError)
      expect((refusal as Error).message.replace(room.id, 'X')).toBe((missing as Error).message.replace('no-such-room', 'X'))
    }
    expect((await readableRooms(outsider, ['open-room', room.id, 'no-such-room'])).map(r => r.id)).toEqual(['open-room'])
    await removeMember(room.id, member.username)
    await expect(requireReadableRoom(member, room.id)).rejects.toBeInstanceOf(NotFoundError)
  })

  it('let the people of a DM, and nobody else, read it', async () => {
    await accounts()
    const { room } = await openDirectMessage(owner, [member.username])
    expect(room.id).toBe(dmRoomId([member.username, owner.username]))
    expect(await isMember(member, room)).toBe(true)
    expect(await isMember(outsider, room)).toBe(false)
    await expect(requireReadableRoom(outsider, room.id)).rejects.toBeInstanceOf(NotFoundError)
    await expect(assertMayAddMember(owner, room, outsider.username)).rejects.toBeInstanceOf(ForbiddenError)
    expect(() => assertMayRemoveMember(owner, room, member.username)).toThrow(ForbiddenError)
    expect(mayModerate(owner, room)).toBe(false)
  })

  it('make an archived room read-only', async () => {
    await accounts()
    const room = await createRoom({ id: 'old-room', name: 'Old' }, owner)
    await updateRoom(room, { archived: true })
    expect((await requireReadableRoom(outsider, room.id)).archived).toBe(true)
    await expect(requireWritableRoom(owner, room.id)).rejects.toThrow('#old-room is archived: it is read-only')
  })

  it('let the owner and only the owner manage a room, and anyone leave it but not a default room', async () => {
    await accounts()
    const room: Room = await createRoom({ id: 'managed', name: 'Managed' }, owner)
    expect((await requireManageableRoom(owner, room.id)).id).toBe(room.id)
    await expect(requireManageableRoom(member, room.id)).rejects.toBeInstanceOf(ForbiddenError)
    expect(mayModerate(guest, room)).toBe(false)
    expect(() => assertMayRemoveMember(member, room, member.username)).not.toThrow()
    expect(() => assertMayRemoveMember(member, room, outsider.username)).toThrow(ForbiddenError)
    expect(() => assertMayRemoveMember(owner, room, owner.username)).not.toThrow()
    expect(() => assertMayRemoveMember(owner, { ...room, id: 'general' }, owner.username)).toThrow(UserError)
    await expect(assertMayAddMember(guest, room, guest.username)).rejects.toBeInstanceOf(ForbiddenError)
  })
})
