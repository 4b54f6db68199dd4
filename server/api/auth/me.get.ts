import { defineEventHandler } from 'h3'
import { getSessionUser } from '../../utils/session.ts'

/** The signed-in user, or `{ user: null }` for a visitor. */
export default defineEventHandler(async event => ({ user: await getSessionUser(event) }))
