import { fileTypeFromBuffer } from 'file-type'
import { INLINE_IMAGE_TYPES } from '#shared/schemas/limits'
import { UserError } from '../../core/errors.ts'

/** Bytes read from the start of an upload: file-type's sniffing window and a JPEG's EXIF block (≤ 64 KiB) fit. */
export const SNIFF_BYTES = 70_000

/** Types browsers may show inline; everything else is served as a download. */
export function isInlineImage(type: string): boolean {
  return (INLINE_IMAGE_TYPES as readonly string[]).includes(type)
}

const FRIENDLY: Record<string, string> = { 'image/png': 'a PNG image', 'image/jpeg': 'a JPEG image', 'image/gif': 'a GIF image', 'image/webp': 'a WebP image' }

/**
 * The type a file is recorded and served with, from its first bytes: what the content is wins over
 * what the browser declared. A file declared as an inline image must really be that image, since
 * a browser would render it; other declared types are kept only when the content says nothing (text,
 * SVG, HTML), and those are only ever downloaded.
 */
export async function sniffType(name: string, declared: string, start: Uint8Array): Promise<string> {
  const sniffed = (await fileTypeFromBuffer(start))?.mime
  if (isInlineImage(declared) && sniffed !== declared) {
    throw new UserError(`"${name}" is not ${FRIENDLY[declared]}${sniffed ? ` (its content is ${sniffed})` : ''}`)
  }
  return sniffed ?? declared
}

/** Content-Disposition for a stored name: an ASCII fallback and the exact name (RFC 6266 / 8187). */
export function contentDisposition(kind: 'inline' | 'attachment', name: string): string {
  const fallback = name.normalize('NFKD').replace(/\p{M}/gu, '').replace(/[^\x20-\x7E]|["\\%]/g, '_')
  const exact = encodeURIComponent(name).replace(/['()*]/g, c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${exact}`
}
