import sharp from 'sharp'
import type { Attachment, ChatMessage, PublicUser } from '#shared/types/chat'
import { getServerConfig } from '../../core/config.ts'
import { PayloadTooLargeError, UserError } from '../../core/errors.ts'
import { isInlineImage, sniffType, SNIFF_BYTES } from './file-types.ts'
import { log } from '../../core/logger.ts'
import { copyObject, deleteObjects, headObject, readStart } from '../../storage/object-storage.ts'
import { formatFileSize } from '#shared/utils/file-size'
import { uploadKey } from './uploads.ts'

/** Where a sent file lives: one prefix per file, holding the original and its thumbnail. */
export function fileKey(room: string, id: string, variant: 'original' | 'thumbnail'): string {
  return `files/${room}/${id}/${variant}`
}

function decodeName(metadata: Record<string, string>, fallback: string): string {
  try {
    return decodeURIComponent(metadata.name ?? fallback)
  }
  catch {
    return fallback
  }
}

/** "40", "2.5": a pixel count in megapixels, as people read it. */
function megapixels(pixels: number): string {
  return String(Math.round(pixels / 100_000) / 10)
}

/** Whether an image this size is over the pixel cap (a stored file's recorded width and height). */
export function overPixelCap(width: number, height: number): boolean {
  return width * height > getServerConfig().uploads.maxImagePixels
}

/**
 * Width and height as shown (EXIF orientation applied), read from the image's header alone: sharp
 * decodes no pixels for this, so the pixel cap is checked before anything is decoded.
 */
async function dimensions(start: Buffer): Promise<{ width: number, height: number } | null> {
  try {
    const { autoOrient } = await sharp(start).metadata()
    return autoOrient.width && autoOrient.height ? { width: autoOrient.width, height: autoOrient.height } : null
  }
  catch {
    // A header beyond the bytes read (or a damaged image): shown without reserved space.
    return null
  }
}

interface Checked {
  attachment: Attachment
  /** The upload to move, or null when an earlier attempt of this same message already moved it. */
  from: string | null
}

/** One upload: there, this user's, for this room, within the limit; its type sniffed and, for images, its size read. */
async function check(user: PublicUser, room: string, id: string, messageId: string): Promise<Checked> {
  const moved = await headObject(fileKey(room, id, 'original'))
  // A retry of the same send (same message id) finds its files already moved: use them as they are.
  if (moved) {
    if (moved.metadata.message !== messageId || moved.metadata.uploader !== user.username) throw new UserError('That file is already attached to another message')
    const size = moved.metadata.width ? { width: Number(moved.metadata.width), height: Number(moved.metadata.height) } : null
    return { attachment: { id, name: decodeName(moved.metadata, id), size: moved.size, type: moved.contentType ?? 'application/octet-stream', ...size }, from: null }
  }
  const from = uploadKey(room, user.username, id)
  const upload = await headObject(from)
  if (!upload) throw new UserError('A file of this message was not uploaded (or its upload expired): attach it again')
  const name = decodeName(upload.metadata, id)
  const { maxBytes } = getServerConfig().uploads
  if (upload.size > maxBytes) throw new PayloadTooLargeError(`"${name}" is ${formatFileSize(upload.size)}; files may be at most ${formatFileSize(maxBytes)}`)
  const start = await readStart(from, SNIFF_BYTES)
  const type = await sniffType(name, upload.contentType ?? 'application/octet-stream', start)
  const size = isInlineImage(type) ? await dimensions(start) : null
  if (size && overPixelCap(size.width, size.height)) throw new PayloadTooLargeError(`"${name}" is ${size.width} × ${size.height} pixels; images may be at most ${megapixels(getServerConfig().uploads.maxImagePixels)} megapixels`)
  return { attachment: { id, name, size: upload.size, type, ...size }, from }
}

/**
 * The files of a message being sent: every upload is checked before any is moved, so a refused
 * file leaves the others where they were (and the message unsent). Each is then copied to its
 * permanent key, recording who sent it in which message, and its upload deleted.
 */
export async function storeAttachments(user: PublicUser, room: string, ids: string[], messageId: string): Promise<Attachment[]> {
  const checked = await Promise.all(ids.map(id => check(user, room, id, messageId)))
  await Promise.all(checked.map(async ({ attachment, from }) => {
    if (!from) return
    await copyObject(from, fileKey(room, attachment.id, 'original'), {
      contentType: attachment.type,
      metadata: {
        name: encodeURIComponent(attachment.name),
        uploader: user.username,
        message: messageId,
        ...(attachment.width ? { width: String(attachment.width), height: String(attachment.height) } : {}),
      },
    })
    // Left behind, the sweep (or the lifecycle rule) removes it.
    await deleteObjects([from]).catch((error: unknown) => log.warn('uploads.delete_failed', { key: from, error }))
  }))
  return checked.map(c => c.attachment)
}

/** Deletes a message's files and thumbnails. */
export async function deleteAttachments(message: Pick<ChatMessage, 'room' | 'attachments'>): Promise<void> {
  const keys = (message.attachments ?? []).flatMap(a => [fileKey(message.room, a.id, 'original'), fileKey(message.room, a.id, 'thumbnail')])
  if (keys.length) await deleteObjects(keys)
}
