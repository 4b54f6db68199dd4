import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AttachmentReady, ChatMessage } from '#shared/types/chat'
import type { WireMessage } from '#shared/types/socket'
import { Client } from '../support/http.ts'
import { connected } from '../support/people.ts'
import { call, closeAll, waitFor, type TestSocket } from '../support/sockets.ts'
import { orientedJpeg, PDF, png, upload } from '../support/uploads.ts'
import { startOneInstance, type OneInstance } from '../support/cluster.ts'

// Files against the production build, with the embedded S3 server of `npm run db` as the bucket.
let instance: OneInstance

beforeAll(async () => {
  instance = await startOneInstance({ env: { MAX_UPLOAD_MB: '1', MESSAGE_BURST: '1000', MESSAGES_PER_SECOND: '1000', UPLOADS_PER_HOUR: '30' }, bucket: true })
}, 60_000)
afterAll(async () => {
  closeAll()
  await instance?.stop()
})

const person = () => connected(instance.app.url)

async function send(socket: TestSocket, room: string, message: string, attachments: string[]): Promise<[string | null, WireMessage]> {
  return call<WireMessage>(socket, 'new message', { room, message, attachments })
}

describe('sending files', () => {
  it('sends an image with its shown dimensions, and tells the room when its thumbnail is ready', async () => {
    const alice = await person()
    const bob = await person()
    await call(bob.socket, 'join room', 'general')
    const jpeg = await orientedJpeg(800, 600)
    const id = await upload(alice.http, 'general', { name: 'holiday photo.jpg', type: 'image/jpeg', bytes: jpeg })
    const ready = waitFor<AttachmentReady>(bob.socket, 'attachment ready', 20_000)
    const [err, sent] = await send(alice.socket, 'general', 'Look', [id])
    expect(err).toBeNull()
    // EXIF orientation 6: stored 800 × 600, shown 600 × 800.
    expect(sent.attachments).toEqual([{ id, name: 'holiday photo.jpg', size: jpeg.length, type: 'image/jpeg', width: 600, height: 800 }])
    expect(await ready).toEqual({ room: 'general', message: sent.message, attachment: { ...sent.attachments![0], thumbnail: true } })

    const history = await alice.http.get('/api/rooms/general/messages?limit=5')
    expect(history.json.messages.find((m: ChatMessage) => m.id === sent.message)?.attachments).toEqual([{ ...sent.attachments![0], thumbnail: true }])

    const link = await bob.http.request(`/api/rooms/general/files/${id}/thumbnail`)
    expect(link.status).toBe(302)
    const thumbnail = Buffer.from(await (await fetch(link.headers.get('location')!)).arrayBuffer())
    const meta = await sharp(thumbnail).metadata()
    // Upright, within 640 × 480, and no EXIF (so no location) left.
    expect([meta.format, meta.width, meta.height, meta.orientation, meta.exif]).toEqual(['webp', 360, 480, undefined, undefined])
  })

  it('allows an empty caption with files, but not an empty message without any', async () => {
    const { http: client, socket } = await person()
    const id = await upload(client, 'general', { name: 'notes.pdf', type: 'application/pdf', bytes: PDF })
    const [err, sent] = await send(socket, 'general', '  ', [id])
    expect(err).toBeNull()
    expect(sent.content.text).toBe('')
    expect((await send(socket, 'general', ' ', []))[0]).toBe('Message must not be empty')
  })

  it('refuses a file over MAX_UPLOAD_MB before granting its upload', async () => {
    const { http: client } = await person()
    const response = await client.post('/api/rooms/general/uploads', { name: 'big.bin', size: 1024 * 1024 + 1, type: 'application/octet-stream' })
    expect(response.status).toBe(413)
    // Never the limit's own figure for a file over it.
    expect(response.json.message).toBe('"big.bin" is 1.1 MB; files may be at most 1 MB')
  })

  it('grants each person at most UPLOADS_PER_HOUR uploads an hour, sent or not, with a clear 429', async () => {
    const [{ http: client }, other] = await Promise.all([person(), person()])
    const ask = (who: Client) => who.post('/api/rooms/general/uploads', { name: 'a.txt', size: 10, type: 'text/plain' })
    const granted = await Promise.all(Array.from({ length: 30 }, () => ask(client)))
    expect(granted.map(r => r.status)).toEqual(Array.from({ length: 30 }, () => 201))
    const refused = await ask(client)
    expect(refused.status).toBe(429)
    expect(refused.json.message).toMatch(/^You can upload 30 files an hour. Try again in /)
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
    expect((await ask(other.http)).status).toBe(201)
  })

  it('refuses a file that reached the bucket larger than the limit (the bucket policy is checked again on send)', async () => {
    const { http: client, socket } = await person()
    // s3rver does not enforce the POST policy's size range as S3 does: the send check still holds.
    const id = await upload(client, 'general', { name: 'sneaky.bin', type: 'application/octet-stream', bytes: new Uint8Array(1024 * 1024 + 10), declaredSize: 10 })
    const [err] = await send(socket, 'general', 'big', [id])
    expect(err).toBe('"sneaky.bin" is 1.1 MB; files may be at most 1 MB')
  })

  it('refuses more than ten files in one message, and the same file twice', async () => {
    const { socket } = await person()
    const ids = Array.from({ length: 11 }, (_, i) => i.toString(16).padStart(32, '0'))
    expect((await send(socket, 'general', 'many', ids))[0]).toBe('At most 10 files per message')
    expect((await send(socket, 'general', 'twice', [ids[0]!, ids[0]!]))[0]).toBe('The same file is attached twice')
  })

  it('records the type sniffed from the content, not the declared one', async () => {
    const { http: client, socket } = await person()
    const id = await upload(client, 'general', { name: 'report', type: 'application/octet-stream', bytes: PDF })
    const [err, sent] = await send(socket, 'general', 'report', [id])
    expect(err).toBeNull()
    expect(sent.attachments?.[0]?.type).toBe('application/pdf')
  })

  it('refuses a file declared as an image whose content is not that image, and sends nothing', async () => {
    const { http: client, socket } = await person()
    const good = await upload(client, 'general', { name: 'fine.png', type: 'image/png', bytes: await png() })
    const bad = await upload(client, 'general', { name: 'cat.png', type: 'image/png', bytes: new TextEncoder().encode('<html><script>alert(1)</script></html>') })
    const [err] = await send(socket, 'general', 'two', [good, bad])
    expect(err).toBe('"cat.png" is not a PNG image')
    // Nothing was partially applied: the good file is still an upload and can be sent on its own.
    const [retry, sent] = await send(socket, 'general', 'one', [good])
    expect(retry).toBeNull()
    expect(sent.attachments?.map(a => a.name)).toEqual(['fine.png'])
  })

  it('refuses another person\'s upload, and an upload made for another room', async () => {
    const alice = await person()
    const bob = await person()
    const id = await upload(alice.http, 'general', { name: 'mine.pdf', type: 'application/pdf', bytes: PDF })
    expect((await send(bob.socket, 'general', 'stolen', [id]))[0]).toMatch(/was not uploaded/)
    expect((await send(alice.socket, 'fargate', 'elsewhere', [id]))[0]).toMatch(/was not uploaded/)
  })

  it('refuses upload requests with a bad name or type, with a clear 400', async () => {
    const { http: client } = await person()
    for (const [body, message] of [
      [{ name: '../etc/passwd', size: 10, type: 'text/plain' }, /slashes/],
      [{ name: 'a.txt', size: 0, type: 'text/plain' }, /empty/],
      [{ name: 'a.txt', size: 10, type: 'not a type' }, /media type/],
    ] as const) {
      const response = await client.post('/api/rooms/general/uploads', body)
      expect(response.status).toBe(400)
      expect(response.json.message).toMatch(message)
    }
  })
})

describe('fetching files', () => {
  it('refuses the unauthenticated (401) and answers 404 for a room the reader cannot see or a file not in that room', async () => {
    const { http: client, socket } = await person()
    const id = await upload(client, 'general', { name: 'doc.pdf', type: 'application/pdf', bytes: PDF })
    expect((await send(socket, 'general', 'doc', [id]))[0]).toBeNull()
    expect((await new Client(instance.app.url).get(`/api/rooms/general/files/${id}`)).status).toBe(401)
    const other = await person()
    expect((await other.http.get(`/api/rooms/no-such-room/files/${id}`)).json.message).toBe('There is no room "no-such-room"')
    expect((await other.http.get(`/api/rooms/fargate/files/${id}`)).status).toBe(404)
    expect((await other.http.get(`/api/rooms/general/files/${id}`)).status).toBe(200)
  })

  it('serves SVG and HTML as downloads with nosniff, never inline', async () => {
    const { http: client, socket } = await person()
    const svg = await upload(client, 'general', { name: 'logo.svg', type: 'image/svg+xml', bytes: new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>') })
    const html = await upload(client, 'general', { name: 'page.html', type: 'text/html', bytes: new TextEncoder().encode('<!doctype html><script>alert(1)</script>') })
    const [err, sent] = await send(socket, 'general', 'files', [svg, html])
    expect(err).toBeNull()
    expect(sent.attachments?.map(a => a.type)).toEqual(['image/svg+xml', 'text/html'])
    for (const [id, name, type] of [[svg, 'logo.svg', 'image/svg+xml'], [html, 'page.html', 'text/html']] as const) {
      const response = await client.get(`/api/rooms/general/files/${id}`)
      expect(response.status).toBe(200)
      expect(response.headers.get('content-disposition')).toBe(`attachment; filename="${name}"; filename*=UTF-8''${name}`)
      expect(response.headers.get('x-content-type-options')).toBe('nosniff')
      expect(response.headers.get('content-type')).toBe(type)
      expect(response.text).toContain('alert(1)')
    }
  })

  it('shows allow-listed images inline through a short-lived presigned link', async () => {
    const { http: client, socket } = await person()
    const image = await png()
    const id = await upload(client, 'general', { name: 'chart.png', type: 'image/png', bytes: image })
    expect((await send(socket, 'general', 'chart', [id]))[0]).toBeNull()
    const response = await client.get(`/api/rooms/general/files/${id}`)
    expect(response.status).toBe(302)
    const location = new URL(response.headers.get('location')!)
    expect(location.origin).toBe(instance.db.s3Endpoint)
    expect(location.searchParams.get('X-Amz-Expires')).toBe('300')
    expect(response.headers.get('cache-control')).toBe('private, max-age=240')
    const file = await fetch(location)
    expect(file.headers.get('content-type')).toBe('image/png')
    expect(file.headers.get('content-disposition')).toBe('inline; filename="chart.png"; filename*=UTF-8\'\'chart.png')
    expect(Buffer.from(await file.arrayBuffer()).equals(image)).toBe(true)
  })
})
