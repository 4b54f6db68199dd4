import { z } from './zod.ts'
import { MAX_ATTACHMENTS } from './limits.ts'
import { roomIdSchema } from './rooms.ts'

const FILE_NAME_MAX = 200

/** An upload's id: 128 random bits in hex, given by the server when the upload is granted. */
const UPLOAD_ID_PATTERN = /^[0-9a-f]{32}$/
const uploadIdSchema = z.string().check(z.regex(UPLOAD_ID_PATTERN, 'An attachment is an upload id (32 hex digits)'))

/** No path separators, control or invisible characters; what a download will be saved as. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const UNSAFE_NAME = /[\u0000-\u001F\u007F/\\\p{Cf}]/u

/** `POST /api/rooms/:room/uploads`: the file the browser is about to upload. */
export const uploadRequestSchema = z.strictObject({
  name: z.pipe(
    z.pipe(z.string(), z.transform((value: string) => value.normalize('NFC').trim())),
    z.string().check(
      z.minLength(1, 'The file needs a name'),
      z.maxLength(FILE_NAME_MAX, `File names must be at most ${FILE_NAME_MAX} characters`),
      z.refine(value => !UNSAFE_NAME.test(value), 'File names must not contain slashes, control or invisible characters'),
    ),
  ),
  size: z.number().check(z.int('The size is a whole number of bytes'), z.gte(1, 'The file is empty')),
  // The declared type is checked against the content when the file is sent.
  type: z.pipe(
    z.union([
      z.string().check(z.maxLength(100), z.regex(/^[a-z0-9][a-z0-9.+-]*\/[a-z0-9][a-z0-9.+-]*$/i, 'The type must be a media type such as image/png')),
      z.literal(''),
    ]),
    z.transform((value: string) => value.toLowerCase() || 'application/octet-stream'),
  ),
})

export type UploadRequest = z.output<typeof uploadRequestSchema>

/** `message: ''` is allowed with attachments: the caption is optional. */
export const attachmentIdsSchema = z.array(uploadIdSchema, { error: 'attachments must be a list of upload ids' }).check(
  z.maxLength(MAX_ATTACHMENTS, `At most ${MAX_ATTACHMENTS} files per message`),
  z.refine(ids => new Set(ids).size === ids.length, 'The same file is attached twice'),
)

export const fileParamsSchema = z.strictObject({ room: roomIdSchema, id: uploadIdSchema })

/** What the browser posts to the bucket: `url` and these form fields, then the file as `file`. */
export interface UploadGrant {
  id: string
  url: string
  fields: Record<string, string>
  /** Epoch ms after which the grant is refused. */
  expiresAt: number
  maxBytes: number
}
