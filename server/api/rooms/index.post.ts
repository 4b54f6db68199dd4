import { readValidatedBody, setResponseStatus } from 'h3'
import { useNitroApp } from 'nitropack/runtime'
import { createRoomSchema } from '#shared/schemas/rooms'
import { defineApiHandler } from '../../utils/api-handler.ts'
import { summarise } from '../../utils/room-summaries.ts'
import { createRoom } from '../../utils/rooms.ts'
import { requireSessionUser } from '../../utils/session.ts'
import { validator } from '../../utils/validation.ts'

export default defineApiHandler(async (event) => {
  const user = await requireSessionUser(event)
  const input = await readValidatedBody(event, validator(createRoomSchema))
  const room = await createRoom(input, user.username)
  await useNitroApp().hooks.callHook('chat:room-created', await summarise(room, {}))
  setResponseStatus(event, 201)
  return { room }
})
