// Limits and formats shared by the server's validation (the schemas beside this file) and the
// browser's inline checks. No zod here: the room page imports these without the validation library.
export const USERNAME_MIN = 3
export const USERNAME_MAX = 32
export const PASSWORD_MIN = 8
export const PASSWORD_MAX = 256
export const MESSAGE_MAX = 2000
export const ROOM_ID_MAX = 48
export const ROOM_NAME_MAX = 64
export const ROOM_TOPIC_MAX = 200
export const PAGE_SIZE_DEFAULT = 50
export const PAGE_SIZE_MAX = 100
/** A reply quotes at most this many characters of the message it answers. */
export const REPLY_QUOTE_MAX = 140
/** Distinct emoji one message may carry as reactions. */
export const REACTIONS_MAX = 20
export const DISPLAY_NAME_MAX = 48
/** A status's words (plain text). */
export const STATUS_TEXT_MAX = 100
/** People in one direct message, the starter included. */
export const DM_PEOPLE_MAX = 8
/** A message id is `<13-digit ms timestamp>:<random hex>`; it doubles as the history cursor. */
export const MESSAGE_ID_PATTERN = /^\d{13}:[0-9a-f]{8,32}$/
/** Lower-case letters, digits and inner dashes: `-`, `--` or `-x` are not ids. */
export const ROOM_ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$/
export const SEARCH_QUERY_MAX = 200
/** Files per message. */
export const MAX_ATTACHMENTS = 10
/** Images shown inline (and thumbnailed); every other type is only ever downloaded. */
export const INLINE_IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const
/** Messages one room may have pinned at once. */
export const PINS_MAX = 100
