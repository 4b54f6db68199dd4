import { expect } from 'vitest'
import sharp from 'sharp'
import type { Client } from './http.ts'

/** Asks the app for an upload grant, then posts the bytes straight to the bucket as a browser form does. */
export async function upload(client: Client, room: string, file: { name: string, type: string, bytes: Uint8Array, declaredSize?: number }): Promise<string> {
  const grant = await client.post(`/api/rooms/${room}/uploads`, { name: file.name, size: file.declaredSize ?? file.bytes.length, type: file.type })
  expect(grant.status, grant.text).toBe(201)
  const form = new FormData()
  for (const [name, value] of Object.entries(grant.json.fields)) form.append(name, value)
  form.append('file', new Blob([new Uint8Array(file.bytes)], { type: file.type }), file.name)
  const stored = await fetch(grant.json.url, { method: 'POST', body: form })
  expect(stored.status, await stored.text()).toBe(204)
  return grant.json.id
}

/** A JPEG whose pixels are stored landscape with EXIF orientation 6 (shown portrait) and a GPS position. */
export function orientedJpeg(width = 800, height = 600): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 20, g: 120, b: 220 } } })
    .jpeg()
    .withMetadata({ orientation: 6 })
    .withExif({ IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '51/1 30/1 0/1' } })
    .toBuffer()
}

export function png(width = 320, height = 200): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 4, background: '#2a9d8f' } }).png().toBuffer()
}

/** The smallest PDF readers accept: enough for its type to be sniffed. */
export const PDF = new TextEncoder().encode('%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n')
