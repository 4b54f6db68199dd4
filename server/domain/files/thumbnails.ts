import sharp from 'sharp'
import type { Attachment, ChatMessage } from '#shared/types/chat'
import { fileKey } from './attachments.ts'
import { markAttachment } from '../../storage/messages-table.ts'
import { getServerConfig } from '../../core/config.ts'
import { log } from '../../core/logger.ts'
import { copyObject, deleteObjects, headObject, putObject, readObject } from '../../storage/object-storage.ts'
import { announce } from '../events.ts'

/** Thumbnails fit this box: twice the list's 320 × 240, for high-density screens. */
const BOX = { width: 640, height: 480 }

/** GIFs stay as they are (a still thumbnail would stop the animation). */
const THUMBNAILED = new Set(['image/png', 'image/jpeg', 'image/webp'])

/** One thumbnail at a time per process: sharp's work stays off the message hot path's cores. */
let queue: Promise<void> = Promise.resolve()

// Each image is decoded once, so libvips' operation cache would only hold memory; one libvips
// thread per image keeps a 2-vCPU task's other core for messages.
sharp.cache(false)
sharp.concurrency(1)

/**
 * Makes the thumbnails of a stored message's images, in the background: EXIF orientation applied,
 * every metadata block (location included) dropped, WebP. Each one done is recorded on the message
 * and announced as 'attachment ready'; until then the clients show the original. An image whose
 * thumbnail cannot be made (over the pixel cap, damaged) is never shown inline: it is marked
 * download-only, on the message and on the stored file, and announced as such.
 */
export function scheduleThumbnails(message: ChatMessage): void {
  const images = (message.attachments ?? []).map((a, index) => ({ a, index })).filter(({ a }) => THUMBNAILED.has(a.type))
  for (const { a, index } of images) {
    queue = queue.then(() => makeThumbnail(message, a, index)).catch(async (error: unknown) => {
      log.warn('thumbnail.failed', { room: message.room, message: message.id, attachment: a.id, error })
      await offerAsDownload(message, a, index).catch((failure: unknown) => log.warn('thumbnail.mark_failed', { room: message.room, message: message.id, attachment: a.id, error: failure }))
    })
  }
}

/** The original of an image without a thumbnail: served as a download from now on, and so shown. */
async function offerAsDownload(message: ChatMessage, attachment: Attachment, index: number): Promise<void> {
  const key = fileKey(message.room, attachment.id, 'original')
  const head = await headObject(key)
  if (head) await copyObject(key, key, { contentType: head.contentType ?? attachment.type, metadata: { ...head.metadata, display: 'download' } })
  if (await markAttachment(message.room, message.id, index, attachment.id, 'download')) {
    await announce('chat:attachment-ready', { room: message.room, message: message.id, attachment: { ...attachment, download: true } })
  }
}

/** Resolves once every thumbnail scheduled so far is done (tests, shutdown). */
export function thumbnailsDone(): Promise<void> {
  return queue
}

async function makeThumbnail(message: ChatMessage, attachment: Attachment, index: number): Promise<void> {
  const original = await readObject(fileKey(message.room, attachment.id, 'original'))
  // rotate() with no angle applies the EXIF orientation; output carries no metadata unless asked.
  // The pixel cap again: a file whose header could not be read on send is refused here, undecoded.
  const thumbnail = await sharp(original, { limitInputPixels: getServerConfig().uploads.maxImagePixels })
    .rotate()
    .resize({ ...BOX, fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 80 })
    .toBuffer()
  const key = fileKey(message.room, attachment.id, 'thumbnail')
  await putObject(key, thumbnail, 'image/webp')
  if (!await markAttachment(message.room, message.id, index, attachment.id, 'thumbnail')) {
    // The message was deleted meanwhile: its files are gone, and so goes this one.
    await deleteObjects([key])
    return
  }
  await announce('chat:attachment-ready', { room: message.room, message: message.id, attachment: { ...attachment, thumbnail: true } })
}
