import type { Readable } from 'node:stream'
import type { PublicUser } from '#shared/types/chat'
import { requireReadableRoom } from '../rooms/access.ts'
import { fileKey, overPixelCap } from './attachments.ts'
import { NotFoundError } from '../../core/errors.ts'
import { contentDisposition, isInlineImage } from './file-types.ts'
import { headObject, presignDownload, streamObject } from '../../storage/object-storage.ts'

/** Links to images live this long; the redirect to one may be cached a little less. */
export const LINK_SECONDS = 5 * 60

/**
 * A file as the file route answers it: images on the allow-list are a redirect to a short-lived
 * presigned GET, shown inline; everything else (SVG, HTML, unknown types) streams through the app
 * as a download with nosniff, headers S3 itself cannot add.
 */
export type FileAnswer
  = | { kind: 'redirect', url: string }
    | { kind: 'download', body: Readable, size: number, type: string, disposition: string }

/**
 * An image never shown inline: its thumbnail could not be made (marked so), or its recorded size is
 * over the pixel cap (files stored before the cap existed, whose thumbnail failed).
 */
function downloadOnly(metadata: Record<string, string>): boolean {
  if (metadata.display === 'download') return true
  const width = Number(metadata.width)
  const height = Number(metadata.height)
  return width > 0 && height > 0 && overPixelCap(width, height)
}

/** Checks that `user` may read `room` on every request, then answers with the file (or its thumbnail). */
export async function openFile(user: PublicUser, room: string, id: string, variant: 'original' | 'thumbnail'): Promise<FileAnswer> {
  await requireReadableRoom(user, room)
  const key = fileKey(room, id, variant)
  const head = await headObject(key)
  if (!head) throw new NotFoundError('There is no such file (it may have been deleted with its message)')
  const type = head.contentType ?? 'application/octet-stream'
  let name = id
  try {
    name = decodeURIComponent(head.metadata.name ?? id)
  }
  catch { /* keep the id */ }
  if (isInlineImage(type) && !downloadOnly(head.metadata)) {
    return { kind: 'redirect', url: await presignDownload(key, { contentType: type, disposition: contentDisposition('inline', name), expiresSeconds: LINK_SECONDS }) }
  }
  const object = await streamObject(key)
  if (!object) throw new NotFoundError('There is no such file (it may have been deleted with its message)')
  // An image kept from being shown goes out as plain bytes: nothing invites a browser to decode it.
  return { kind: 'download', body: object.body, size: object.size, type: isInlineImage(type) ? 'application/octet-stream' : type, disposition: contentDisposition('attachment', name) }
}
