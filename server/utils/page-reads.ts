import type { H3Event } from 'h3'
import { messageParamsSchema, messageQuerySchema, threadQuerySchema } from '#shared/schemas/messages'
import { userQuerySchema } from '#shared/schemas/people'
import type { PageReads } from '#shared/types/page-reads'
import { roomParamsSchema } from '#shared/schemas/rooms'
import { requireReadableRoom, signedInView } from '../domain/rooms/access.ts'
import { toHttpError } from './api-handler.ts'
import { findPeople } from '../domain/people/profiles.ts'
import { readAround, readHistory } from '../domain/messages/history.ts'
import { readThread } from '../domain/threads/threads.ts'
import { listRoomSummaries } from '../domain/rooms/summaries.ts'
import { readMarkerIn } from '../domain/rooms/reading.ts'
import { getSessionUser, requireSessionUser } from './session-cookie.ts'
import { validator } from './validation.ts'

/**
 * The page reads of one request, run in process while the server renders a page: the same
 * session, access checks, validation and domain functions as the HTTP routes they stand for, and
 * their errors become the same HTTP errors. Each was an internal request through the whole HTTP
 * stack before (security rules, logging, compression, JSON both ways), three or four per page.
 * Answers are copies, so a page's stores never share objects with the instance's caches.
 */
export function pageReads(event: H3Event): PageReads {
  async function read<T>(work: () => Promise<T>): Promise<T> {
    try {
      return structuredClone(await work())
    }
    catch (error) {
      throw toHttpError(error)
    }
  }
  return {
    me: () => read(async () => signedInView(await getSessionUser(event))),
    rooms: () => read(async () => ({ rooms: await listRoomSummaries(await requireSessionUser(event)) })),
    room: id => read(async () => {
      const user = await requireSessionUser(event)
      return { room: await requireReadableRoom(user, validator(roomParamsSchema)({ room: id }).room) }
    }),
    history: (room, query) => read(async () => {
      const { around: _, ...valid } = validator(messageQuerySchema)(query)
      return readHistory(await requireSessionUser(event), room, valid)
    }),
    around: (room, id, limit) => read(async () => {
      const valid = validator(messageQuerySchema)({ around: id, limit })
      return readAround(await requireSessionUser(event), room, id, valid.limit)
    }),
    thread: (room, id, query) => read(async () => {
      const user = await requireSessionUser(event)
      const params = validator(messageParamsSchema)({ room, id })
      return readThread(user, params.room, params.id, validator(threadQuerySchema)(query))
    }),
    readMarker: room => read(async () => ({ marker: await readMarkerIn(await requireSessionUser(event), validator(roomParamsSchema)({ room }).room) })),
    people: names => read(async () => {
      await requireSessionUser(event)
      return { users: await findPeople(validator(userQuerySchema)({ names: names.join(',') })) }
    }),
  }
}
