import { request } from 'node:http'
import { deflateSync, crc32 } from 'node:zlib'
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { WireMessage } from '#shared/types/socket'
import type { AttachmentReady, ChatMessage } from '#shared/types/chat'
import { Client } from '../support/http.ts'
import { account, connected, uniqueName } from '../support/people.ts'
import { freePort, startApp, startDatabase } from '../support/processes.ts'
import { call, closeAll, connect, waitFor } from '../support/sockets.ts'
import { png, upload } from '../support/uploads.ts'

// The defects hostile testing found (issue #22), each tried the way it was found, against the
// production build with `npm run db`'s database and bucket.
let db: Awaited<ReturnType<typeof startDatabase>>
let app: Awaited<ReturnType<typeof startApp>>

beforeAll(async () => {
  db = await startDatabase()
  const port = await freePort()
  app = await startApp({ port, dynamodbEndpoint: db.endpoint, s3Endpoint: db.s3Endpoint, env: { PUBLIC_ORIGIN: `http://127.0.0.1:${port}`, MESSAGE_BURST: '1000', MESSAGES_PER_SECOND: '1000' } })
}, 60_000)
afterAll(async () => {
  closeAll()
  await app?.stop()
  await db?.stop()
})

/** A 16000 × 16000 black-and-white PNG (256 megapixels, about 1 GB once decoded) of a few dozen KB. */
function pixelBomb(side = 16_000): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
    const length = Buffer.alloc(4)
    length.writeUInt32BE(data.length)
    const crc = Buffer.alloc(4)
    crc.writeUInt32BE(crc32(body))
    return Buffer.concat([length, body, crc])
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(side, 0)
  header.writeUInt32BE(side, 4)
  header[8] = 1 // bit depth 1, grey, no interlace
  const rows = Buffer.alloc(side * (1 + Math.ceil(side / 8)))
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), chunk('IHDR', header), chunk('IDAT', deflateSync(rows, { level: 9 })), chunk('IEND', Buffer.alloc(0))])
}

describe('images', () => {
  it('refuses a pixel flood when it is sent, saying why', async () => {
    const sender = await connected(app.url)
    const id = await upload(sender.http, 'general', { name: 'flood.png', type: 'image/png', bytes: pixelBomb() })
    const [err] = await call<WireMessage>(sender.socket, 'new message', { room: 'general', message: 'look', attachments: [id] })
    expect(err).toBe('"flood.png" is 16000 × 16000 pixels; images may be at most 40 megapixels')
  })

  it('serves an image stored before the cap, whose thumbnail could not be made, as a download', async () => {
    const reader = await account(app.url)
    const id = 'f'.repeat(32)
    const s3 = new S3Client({ region: 'us-east-1', endpoint: db.s3Endpoint, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } })
    await s3.send(new PutObjectCommand({ Bucket: 'fargate-chat-uploads', Key: `files/general/${id}/original`, Body: pixelBomb(), ContentType: 'image/png', Metadata: { name: 'flood.png', width: '16000', height: '16000' } }))
    s3.destroy()
    const response = await reader.http.request(`/api/rooms/general/files/${id}`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-disposition')).toMatch(/^attachment;/)
  })

  it('offers an image whose thumbnail cannot be made only as a download, and tells the room', async () => {
    const sender = await connected(app.url)
    const damaged = await png(320, 200)
    // The header stays readable (so it is sent); the pixel data no longer decodes.
    damaged.fill(0x5A, 60, damaged.length - 20)
    const id = await upload(sender.http, 'general', { name: 'damaged.png', type: 'image/png', bytes: damaged })
    const ready = waitFor<AttachmentReady>(sender.socket, 'attachment ready', 20_000)
    const [err, sent] = await call<WireMessage>(sender.socket, 'new message', { room: 'general', message: 'broken', attachments: [id] })
    expect(err).toBeNull()
    expect(await ready).toEqual({ room: 'general', message: sent.message, attachment: { ...sent.attachments![0], download: true } })
    const response = await sender.http.request(`/api/rooms/general/files/${id}`)
    expect([response.status, response.headers.get('content-type')]).toEqual([200, 'application/octet-stream'])
    expect(response.headers.get('content-disposition')).toMatch(/^attachment;/)
  })

  it('stores files on the embedded S3 server whatever AWS credentials the shell holds', async () => {
    const withKeys = await startApp({ dynamodbEndpoint: db.endpoint, s3Endpoint: db.s3Endpoint, env: { AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' } })
    try {
      const sender = await connected(withKeys.url)
      const id = await upload(sender.http, 'general', { name: 'small.png', type: 'image/png', bytes: await png() })
      const [err] = await call<WireMessage>(sender.socket, 'new message', { room: 'general', message: 'a file', attachments: [id] })
      expect(err).toBeNull()
    }
    finally {
      await withKeys.stop()
    }
  })
})

describe('the HTTP surface', () => {
  it.each(['/api/health', '/api/ready', '/api/rooms'])('answers HEAD %s like GET, without a body', async (path) => {
    const get = await fetch(`${app.url}${path}`, { redirect: 'manual' })
    const head = await fetch(`${app.url}${path}`, { method: 'HEAD', redirect: 'manual' })
    expect(head.status).toBe(get.status)
    expect(await head.text()).toBe('')
  })

  it('gives the same answer for a taken private room id as for any other unavailable id', async () => {
    const [owner, prober] = await Promise.all([account(app.url), account(app.url)])
    const ids = { private: uniqueName('secret'), deleted: uniqueName('gone'), public: uniqueName('open') }
    expect((await owner.http.post('/api/rooms', { id: ids.private, name: 'Secret plans', visibility: 'private' })).status).toBe(201)
    expect((await owner.http.post('/api/rooms', { id: ids.public, name: 'Open plans' })).status).toBe(201)
    expect((await owner.http.post('/api/rooms', { id: ids.deleted, name: 'Gone soon' })).status).toBe(201)
    expect((await owner.http.request(`/api/rooms/${ids.deleted}`, { method: 'DELETE' })).status).toBe(204)
    const answer = async (id: string) => {
      const response = await prober.http.post('/api/rooms', { id, name: 'Mine now' })
      return `${response.status} ${response.json.message.replace(id, '<id>')}`
    }
    const [secret, gone, open, reserved] = await Promise.all([answer(ids.private), answer(ids.deleted), answer(ids.public), answer('dm-0123')])
    expect(secret).toMatch(/^409 /)
    expect([gone, open, reserved]).toEqual([secret, secret, secret])
  })

  it('never answers 500 for a redirect target, signed in or not', async () => {
    const signedIn = await account(app.url)
    for (const target of ['/%20//evil.com', '/%09/evil.com', '/%E0%A4%A', '%2F%2Fevil.com', '/\u3000//evil.com', '/..//evil.com']) {
      for (const client of [signedIn.http, new Client(app.url)]) {
        const response = await client.request(`/login?redirect=${target}`, { headers: { accept: 'text/html' } })
        expect(response.status, target).toBeLessThan(500)
        const location = response.headers.get('location')
        if (location) expect(new URL(location, app.url).origin, target).toBe(app.url)
      }
    }
  })

  it('checks Origin against the configured public origin, not the Host the client sent', async () => {
    const evil = 'http://evil.example'
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${app.url}/api/auth/guest`, { method: 'POST', headers: { host: 'evil.example', origin: evil } }, (res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
      })
      req.on('error', reject)
      req.end()
    })
    expect(status).toBe(403)
    await expect(connect(app.url, { origin: evil, headers: { host: 'evil.example' } })).rejects.toThrow()
    await expect(connect(app.url, { origin: app.url })).resolves.toBeTruthy()
  })
})

describe('mentions', () => {
  it('folds a flood of one sender\'s mentions of one person into the first three, delivering every message', async () => {
    const [sender, target] = await Promise.all([account(app.url), account(app.url)])
    const room = uniqueName('flood')
    expect((await sender.http.post('/api/rooms', { id: room, name: 'Flood' })).status).toBe(201)
    expect((await target.http.post(`/api/rooms/${room}/members`, { username: target.username })).status).toBe(200)
    for (let i = 0; i < 60; i++) expect((await sender.http.post(`/api/rooms/${room}/messages`, { text: `@${target.username} ping ${i}` })).status).toBe(201)
    const history = await target.http.get(`/api/rooms/${room}/messages?limit=100`)
    expect(history.json.messages.filter((m: ChatMessage) => m.username === sender.username)).toHaveLength(60)
    await expect.poll(async () => (await target.http.get('/api/rooms')).json.rooms.find(r => r.id === room)?.mentions, { timeout: 15_000 }).toBe(3)
  })
})
