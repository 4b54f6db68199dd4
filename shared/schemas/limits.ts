// Limits shared by the server's validation and the client's inline checks.
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
/** People in one direct message, the starter included. */
export const DM_PEOPLE_MAX = 8
