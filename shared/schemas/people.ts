import { z } from './zod.ts'
import { DISPLAY_NAME_MAX, DM_PEOPLE_MAX, USERNAME_MAX } from './limits.ts'
import { displayText, roomIdSchema } from './rooms.ts'

const username = z.string('A username is a string').trim().toLowerCase().min(1, 'A username is required').max(USERNAME_MAX, `Usernames are at most ${USERNAME_MAX} characters`)

/** A display name: any Unicode, 1–48 characters once trimmed (counted as people see them: code points). */
export const displayNameSchema = displayText('Display name', DISPLAY_NAME_MAX * 2)
  .pipe(z.string()
    .min(1, 'Display name is required')
    .refine(value => [...value].length <= DISPLAY_NAME_MAX, `Display name must be at most ${DISPLAY_NAME_MAX} characters`))

/** `PATCH /api/me`. */
export const updateMeSchema = z.strictObject({ displayName: displayNameSchema })

/** `POST /api/dms`: the other people of the conversation (the caller is added). */
export const createDmSchema = z.strictObject({
  usernames: z.array(username, 'usernames must be a list of usernames')
    .min(1, 'Name at least one person')
    .max(DM_PEOPLE_MAX - 1, `A direct message has at most ${DM_PEOPLE_MAX} people`),
})

/** `POST /api/rooms/:room/members`. */
export const addMemberSchema = z.strictObject({ username })

export const memberParamsSchema = z.strictObject({
  room: roomIdSchema,
  username,
})

/** `GET /api/users?q=` (people search) or `?names=a,b` (look people up by username). */
export const userQuerySchema = z.strictObject({
  q: z.string().trim().min(1, 'Type at least one character').max(48, 'Search for at most 48 characters').optional(),
  names: z.string().max(40 * 50).transform(value => [...new Set(value.split(',').map(name => name.trim().toLowerCase()).filter(Boolean))])
    .pipe(z.array(z.string().max(USERNAME_MAX)).max(50, 'Look up at most 50 people at once')).optional(),
}).refine(query => (query.q === undefined) !== (query.names === undefined), 'Give either q or names')

/** `PATCH /api/rooms/:room/settings`: the caller's own settings for a room. */
export const memberSettingsSchema = z.strictObject({
  muted: z.boolean('muted must be true or false').optional(),
  notify: z.enum(['all', 'mentions', 'nothing'], 'notify must be all, mentions or nothing').optional(),
}).refine(body => body.muted !== undefined || body.notify !== undefined, 'Give muted or notify')
