import { randomBytes } from 'node:crypto'
import type { PublicUser } from '#shared/types/chat'
import type { UploadGrant, UploadRequest } from '#shared/schemas/uploads'
import { formatFileSize } from '#shared/utils/file-size'
import { requireWritableRoom } from '../rooms/access.ts'
import { getServerConfig } from '../../core/config.ts'
import { PayloadTooLargeError } from '../../core/errors.ts'
import { deleteObjects, listOlderThan, presignUpload } from '../../storage/object-storage.ts'
import { useServices } from '../../services/services.ts'

/** A grant is used within this long (the browser starts uploading at once). */
const GRANT_SECONDS = 10 * 60
/** Uploads never attached to a message are deleted after this long (the bucket's lifecycle rule in AWS, sweepAbandonedUploads locally). */
const ABANDONED_AFTER_DAYS = 1

const UPLOAD_PREFIX = 'uploads/'

/**
 * Where an upload waits until its message is sent. The room and uploader are in the key the server
 * signs, so an object found there was uploaded by that user for that room (S3 enforces the policy).
 */
export function uploadKey(room: string, username: string, id: string): string {
  return `${UPLOAD_PREFIX}${room}/${username}/${id}`
}

/** Grants one browser upload straight to the bucket: a presigned POST bound to this key, size, type and name. */
export async function createUpload(user: PublicUser, room: string, input: UploadRequest): Promise<UploadGrant> {
  await requireWritableRoom(user, room)
  const { maxBytes } = getServerConfig().uploads
  if (input.size > maxBytes) throw new PayloadTooLargeError(`"${input.name}" is ${formatFileSize(input.size)}; files may be at most ${formatFileSize(maxBytes)}`)
  await useServices().limits.upload(user.username)
  const id = randomBytes(16).toString('hex')
  const post = await presignUpload(uploadKey(room, user.username, id), {
    contentType: input.type,
    maxBytes,
    // S3 metadata is ASCII: the name travels percent-encoded.
    metadata: { name: encodeURIComponent(input.name) },
    expiresSeconds: GRANT_SECONDS,
  })
  return { id, url: post.url, fields: post.fields, expiresAt: Date.now() + GRANT_SECONDS * 1000, maxBytes }
}

/** Deletes uploads older than ABANDONED_AFTER_DAYS that no message took (local stand-in for the S3 lifecycle rule). */
export async function sweepAbandonedUploads(now = Date.now()): Promise<number> {
  let deleted = 0
  for await (const keys of listOlderThan(UPLOAD_PREFIX, new Date(now - ABANDONED_AFTER_DAYS * 86_400_000))) {
    await deleteObjects(keys)
    deleted += keys.length
  }
  return deleted
}
