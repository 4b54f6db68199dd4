import { readValidatedBody, setResponseStatus } from 'h3'
import { useNitroApp } from 'nitropack/runtime'
import { createRoomSchema } from '#shared/schemas/rooms'
import { defineApiHandler } from '../../utils/api-handler.ts'
import { summarise } from '../../domain/rooms/summaries.ts'
import { assertMayCreateRooms, createRoom } from '../../domain/rooms/rooms.ts'
import { requireSessionUser } from '../../utils/session-cookie.ts'
import { validator } from '../../utils/validation.ts'

export default defineApiHandler(async (event) => {
  const user = await requireSessionUser(event)
  assertMayCreateRooms(user)
  const input = await readValidatedBody(event, validator(createRoomSchema))
  const room = await createRoom(input, user)
  // A public room is news for every sidebar (among the rooms they have not joined); a private
  // one only for its creator. Either way the creator's tabs subscribe and list it as theirs.
  const { hooks } = useNitroApp()
  if (room.visibility !== 'private') await hooks.callHook('chat:room-created', summarise(room, null, 0, 0, { member: false }))
  await hooks.callHook('chat:members-changed', { room, added: [user.username] })
  setResponseStatus(event, 201)
  return { room }
})
