import { request } from 'node:http'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Client } from '../support/http.ts'
import { startApp, startDatabase } from '../support/processes.ts'
import { call, closeAll, connect, waitFor } from '../support/sockets.ts'

// Every text response is compressed as the client's Accept-Encoding allows, against the production
// build. node:http, not fetch: fetch would ask for compression itself and decode the body.
let db: Awaited<ReturnType<typeof startDatabase>>
let app: Awaited<ReturnType<typeof startApp>>
let cookie: string

beforeAll(async () => {
  db = await startDatabase()
  app = await startApp({ dynamodbEndpoint: db.endpoint, env: { MESSAGE_BURST: '100', MESSAGES_PER_SECOND: '100' } })
  const guest = new Client(app.url)
  await guest.post('/api/auth/guest')
  cookie = guest.cookieHeader
  // Enough history for the messages API to answer more than a kilobyte.
  const socket = await connect(app.url, { cookie })
  await waitFor(socket, 'login')
  for (let i = 0; i < 20; i++) expect((await call(socket, 'new message', { room: 'general', message: `history line ${i} of a compressed answer` }))[0]).toBeNull()
})
afterAll(async () => {
  closeAll()
  await app?.stop()
  await db?.stop()
})

/**
 * What the room page may load before it works, in KB as sent. Issue 14 asks for 120; Vue, Nuxt,
 * vue-router, unhead, Socket.io's client and the Bootstrap subset alone are about 109 (see
 * docs/performance.md), so this guards the 132 reached rather than the target. 136 since issue 22:
 * the page had grown to 134.6, and the offline outbox and the catch-up that cannot skip add 0.55.
 * 138 since issue 26: dark mode's stylesheet (Bootstrap's dark rules, twice: chosen, and "System"
 * in a dark system) and the rendered pins menu, "New messages" divider and colour-mode choice make
 * 137.5; the pins list, pin toggles and marks and the unread bar load when first shown. 139 with
 * the composer's :emoji: and #room completion (138.3; its list loads when first shown).
 * 143 since issue 25 (142.7, 4.4 more than main's 138.3): threads add the threads store (which the socket plugin dispatches to), the
 * sidebar's Threads link and the composer's thread mode; the thread panel and the summary under a
 * parent are lazy chunks (2.9 and 0.6 KB).
 * 144 with status and away (143.9): a status is rendered beside names by the server (its component,
 * the people store's timer for the soonest end, 'person updated'), the member list's away dot and the
 * tab's activity reports (loading those after the page saved 0.05 KB); the status dialog, its presets
 * and its schema load when first opened.
 */
const FIRST_LOAD_BUDGET_KB = 144

interface Raw { status: number, headers: Record<string, string | string[] | undefined>, body: Buffer }

function get(path: string, headers: Record<string, string>): Promise<Raw> {
  return new Promise((resolve, reject) => {
    request(`${app.url}${path}`, { headers: { cookie, ...headers } }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }))
      res.on('error', reject)
    }).on('error', reject).end()
  })
}

function decoded(response: Raw): string {
  const encoding = response.headers['content-encoding']
  const body = encoding === 'br' ? brotliDecompressSync(response.body) : encoding === 'gzip' ? gunzipSync(response.body) : response.body
  return body.toString('utf8')
}

/** The first script of the room page, as the browser would fetch it. */
async function scriptPath(): Promise<string> {
  const page = decoded(await get('/rooms/general', {}))
  const src = /<script[^>]+src="(\/_nuxt\/[^"]+\.js)"/.exec(page)?.[1]
  expect(src).toBeDefined()
  return src!
}

describe('response compression', () => {
  it('compresses the server-rendered page with brotli when the browser accepts it', async () => {
    const page = await get('/rooms/general', { 'accept-encoding': 'gzip, deflate, br, zstd' })
    expect(page.status).toBe(200)
    expect(page.headers['content-encoding']).toBe('br')
    expect(page.headers.vary).toMatch(/accept-encoding/i)
    expect(Number(page.headers['content-length'])).toBe(page.body.length)
    expect(decoded(page)).toContain('<div id="__nuxt">')
  })

  it('compresses API JSON with gzip when that is all the client accepts', async () => {
    const history = await get('/api/rooms/general/messages', { 'accept-encoding': 'gzip', 'accept': 'application/json' })
    expect(history.status).toBe(200)
    expect(history.headers['content-encoding']).toBe('gzip')
    expect(history.headers['content-type']).toMatch(/^application\/json/)
    expect(JSON.parse(decoded(history)).messages).toHaveLength(20)
  })

  it('serves scripts and stylesheets precompressed', async () => {
    const script = await get(await scriptPath(), { 'accept-encoding': 'gzip, br' })
    expect(script.status).toBe(200)
    expect(script.headers['content-encoding']).toBe('br')
    expect(script.headers.vary).toMatch(/accept-encoding/i)
    expect(decoded(script)).toMatch(/import|export/)
  })

  it('keeps the room page\'s first load of compressed scripts and styles within its budget, with no Markdown renderer or validation library in it', async () => {
    const page = decoded(await get('/rooms/general', { 'accept-encoding': 'br' }))
    // What the page loads before it works: its scripts, module preloads and stylesheets (not the
    // low-priority prefetches of other pages' code).
    const tags = [...page.matchAll(/<(?:script|link)\b[^>]*>/g)].map(m => m[0]).filter(tag => !/rel="prefetch"/.test(tag))
    const assets = [...new Set(tags.map(tag => /(?:src|href)="(\/_nuxt\/[^"]+\.(?:js|css))"/.exec(tag)?.[1]).filter(path => path !== undefined))]
    expect(assets.length).toBeGreaterThan(3)
    const fetched = await Promise.all(assets.map(path => get(path, { 'accept-encoding': 'br' })))
    const kilobytes = fetched.reduce((sum, a) => sum + a.body.length, 0) / 1024
    expect(kilobytes).toBeLessThanOrEqual(FIRST_LOAD_BUDGET_KB)
    // The server renders messages: markdown-it (with linkify-it) and highlight.js stay out of the
    // browser; so does zod (the page checks lengths with the schemas' constants).
    const scripts = fetched.filter((_, i) => assets[i]!.endsWith('.js')).map(decoded)
    for (const script of scripts) expect(script).not.toMatch(/linkify|hljs|\$ZodType/)
  })

  it('sends everything as it is to a client that asks for no compression', async () => {
    for (const path of ['/rooms/general', '/api/rooms/general/messages', await scriptPath()]) {
      const response = await get(path, {})
      expect(response.status, path).toBe(200)
      expect(response.headers['content-encoding'], path).toBeUndefined()
    }
    const identity = await get('/login', { 'accept-encoding': 'br;q=0, gzip;q=0, identity' })
    expect(identity.headers['content-encoding']).toBeUndefined()
  })

  it('serves a readable error page to a browser that accepts brotli', async () => {
    // Nuxt renders error pages through an in-process request carrying the browser's headers.
    const missing = await get('/rooms/Not_A_Room!', { 'accept-encoding': 'gzip, deflate, br', 'accept': 'text/html' })
    expect(missing.status).toBe(404)
    expect(Number(missing.headers['content-length'])).toBe(missing.body.length)
    expect(decoded(missing)).toContain('This page does not exist')
  })

  it('leaves Socket.io and tiny answers alone', async () => {
    const handshake = await get('/socket.io/?EIO=4&transport=polling', { 'accept-encoding': 'gzip, br' })
    expect(handshake.status).toBe(200)
    expect(handshake.headers['content-encoding']).toBeUndefined()
    expect(handshake.body.toString('utf8')).toMatch(/^0\{"sid"/)
    const health = await get('/api/health', { 'accept-encoding': 'gzip, br' })
    expect(health.headers['content-encoding']).toBeUndefined()
  })
})
