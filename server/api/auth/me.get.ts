import { defineEventHandler } from 'h3'
import { signedInView } from '../../domain/rooms/access.ts'
import { getSessionUser } from '../../utils/session-cookie.ts'

/** The signed-in user (and `admin: true` for ADMINS), or `{ user: null }` for a visitor. */
export default defineEventHandler(async event => signedInView(await getSessionUser(event)))
