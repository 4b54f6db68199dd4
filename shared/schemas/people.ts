import { z } from './zod.ts'
import { DISPLAY_NAME_MAX, DM_PEOPLE_MAX, STATUS_TEXT_MAX, USERNAME_MAX } from './limits.ts'
import { isOneEmoji } from './messages.ts'
import { displayText, roomIdSchema } from './rooms.ts'
import { COLOR_MODES } from '../utils/color-mode.ts'
import { canonicalEmoji } from '../utils/emoji.ts'

const username = z.string('A username is a string').check(
  z.trim(),
  z.toLowerCase(),
  z.minLength(1, 'A username is required'),
  z.maxLength(USERNAME_MAX, `Usernames are at most ${USERNAME_MAX} characters`),
)

// Emoji sequences (which need the zero-width joiner and variation selectors) are set aside before
// looking for characters that show nothing or alter what is around them.
const EMOJI = /\p{RGI_Emoji}/gv
const HAS_EMOJI = /\p{RGI_Emoji}/v
/**
 * Invisible or blank-looking: controls, formatting characters (joiners between letters, bidi
 * controls), line and paragraph separators, every default-ignorable code point (Hangul fillers
 * U+115F, U+1160, U+3164, U+FFA0, the combining grapheme joiner U+034F, variation selectors) and
 * the blank braille pattern U+2800.
 */
const BLANK_LOOKING = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}\u2800]/u
const VISIBLE = /[\p{L}\p{N}\p{S}\p{P}]/u

/**
 * A display name: any Unicode, 1–48 characters once trimmed (counted as people see them: code
 * points), with something visible in it and nothing invisible or blank-looking, and not written
 * as a username (`@name`). Whether it reads as someone else's name is the server's check.
 */
export const displayNameSchema = z.pipe(
  displayText('Display name', DISPLAY_NAME_MAX * 2),
  z.string().check(
    z.minLength(1, 'Display name is required'),
    z.refine(value => [...value].length <= DISPLAY_NAME_MAX, `Display name must be at most ${DISPLAY_NAME_MAX} characters`),
    z.refine(value => !BLANK_LOOKING.test(value.replace(EMOJI, '')), 'Display name must not contain invisible or blank-looking characters (joiners, fillers, blank braille, line breaks)'),
    z.refine(value => HAS_EMOJI.test(value) || VISIBLE.test(value), 'Display name must contain a letter, digit or symbol'),
    z.refine(value => !value.startsWith('@'), 'Display name must not start with @ (that is how usernames are written)'),
  ),
)

/** `PATCH /api/me`. */
export const updateMeSchema = z.strictObject({ displayName: displayNameSchema })

/** `POST /api/dms`: the other people of the conversation (the caller is added). */
export const createDmSchema = z.strictObject({
  usernames: z.array(username, 'usernames must be a list of usernames').check(
    z.minLength(1, 'Name at least one person'),
    z.maxLength(DM_PEOPLE_MAX - 1, `A direct message has at most ${DM_PEOPLE_MAX} people`),
  ),
})

/** `POST /api/rooms/:room/members`. */
export const addMemberSchema = z.strictObject({ username })

export const memberParamsSchema = z.strictObject({
  room: roomIdSchema,
  username,
})

/** `GET /api/users?q=` (people search) or `?names=a,b` (look people up by username). */
export const userQuerySchema = z.strictObject({
  q: z.optional(z.string().check(z.trim(), z.minLength(1, 'Type at least one character'), z.maxLength(48, 'Search for at most 48 characters'))),
  names: z.optional(z.pipe(
    z.pipe(z.string().check(z.maxLength(40 * 50)), z.transform((value: string) => [...new Set(value.split(',').map(name => name.trim().toLowerCase()).filter(Boolean))])),
    z.array(z.string().check(z.maxLength(USERNAME_MAX))).check(z.maxLength(50, 'Look up at most 50 people at once')),
  )),
}).check(z.refine(query => (query.q === undefined) !== (query.names === undefined), 'Give either q or names'))

/** `PATCH /api/rooms/:room/settings`: the caller's own settings for a room. */
export const memberSettingsSchema = z.strictObject({
  muted: z.optional(z.boolean('muted must be true or false')),
  notify: z.optional(z.enum(['all', 'mentions', 'nothing'], 'notify must be all, mentions or nothing')),
}).check(z.refine(body => body.muted !== undefined || body.notify !== undefined, 'Give muted or notify'))

/** `PUT /api/me/color-mode`: the reader's colour mode, kept with their account for every browser they sign in from. */
export const colorModeSchema = z.strictObject({
  mode: z.enum(COLOR_MODES, 'mode must be light, dark or system'),
})

/**
 * `PUT /api/me/status`: an emoji, a few plain words (text, never HTML; it may be empty) and when
 * it ends (ms since the epoch) or null for "don't clear". Whether the end is still to come is the
 * server's check, against its own clock.
 */
export const statusSchema = z.strictObject({
  emoji: z.pipe(
    z.string('emoji must be a string').check(
      z.minLength(1, 'Pick an emoji'),
      z.maxLength(32, 'An emoji is at most 32 characters'),
      z.refine(value => isOneEmoji(value), 'A status has one emoji such as 📅'),
    ),
    z.transform(canonicalEmoji),
  ),
  text: z.pipe(
    displayText('Status', STATUS_TEXT_MAX * 2),
    z.string().check(z.refine(value => [...value].length <= STATUS_TEXT_MAX, `Status must be at most ${STATUS_TEXT_MAX} characters`)),
  ),
  expiresAt: z.nullable(z.number('expiresAt must be a time in ms or null').check(z.int('expiresAt must be a time in ms or null'), z.positive('expiresAt must be a time in ms or null'))),
})
