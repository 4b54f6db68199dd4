import { createHash } from 'node:crypto'
import type { Readable } from 'node:stream'
import sharp from 'sharp'
import type { LinkPreview, PublicUser } from '#shared/types/chat'
import { getServerConfig } from '../../core/config.ts'
import { NotFoundError } from '../../core/errors.ts'
import { log } from '../../core/logger.ts'
import { putObject, streamObject } from '../../storage/object-storage.ts'
import { getMessageItem } from '../../storage/messages-table.ts'
import { requireReadableRoom } from '../rooms/access.ts'
import { safeFetch, type SafeFetchOptions } from './safe-fetch.ts'

/** Card images fit this box (twice the card's 120 px thumbnail and more, for wide cards on dense screens). */
const BOX = { width: 600, height: 600 }

const keyOf = (id: string) => `link-images/${id}.webp`

/**
 * A card's image, fetched by the server through the same safe client as the page, decoded within
 * MAX_IMAGE_PIXELS, re-encoded as WebP without metadata and kept in the upload bucket under the
 * hash of its address (shared by every message showing it). Browsers get it from the app only:
 * they never contact the site when a message is displayed. Null: no image shown.
 */
export async function storeCardImage(url: string, options: SafeFetchOptions): Promise<NonNullable<LinkPreview['image']> | null> {
  try {
    const fetched = await safeFetch(url, options)
    const { data, info } = await sharp(fetched.body, { limitInputPixels: getServerConfig().uploads.maxImagePixels })
      .rotate()
      .resize({ ...BOX, fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 75 })
      .toBuffer({ resolveWithObject: true })
    const id = createHash('sha256').update(url).digest('hex').slice(0, 32)
    await putObject(keyOf(id), data, 'image/webp')
    return { id, width: info.width, height: info.height }
  }
  catch (error) {
    log.debug('link_preview.image_unavailable', { url, error })
    return null
  }
}

/**
 * A card image of a message, for those who may read its room (the same 404 as for a room that
 * does not exist otherwise), and only if the message still shows that image.
 */
export async function openCardImage(user: PublicUser, room: string, message: string, image: string): Promise<{ body: Readable, size: number }> {
  await requireReadableRoom(user, room)
  const stored = await getMessageItem(room, message)
  if (!stored?.previews?.some(preview => preview.image?.id === image)) throw new NotFoundError('There is no such image')
  const object = await streamObject(keyOf(image))
  if (!object) throw new NotFoundError('There is no such image')
  return object
}
