import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { WireMessage } from '#shared/types/socket'
import { Client } from '../support/http.ts'
import { startApp, startDatabase, waitUntil } from '../support/processes.ts'
import { call, closeAll, connect } from '../support/sockets.ts'

// `GET /api/rooms/:room/messages?around=<id>`: the window a link to a message opens on.
let db: Awaited<ReturnType<typeof startDatabase>>
let app: Awaited<ReturnType<typeof startApp>>
let reader: Client
let room: string
let ids: string[]

beforeAll(async () => {
  db = await startDatabase()
  // Request log lines on: the page test below reads them.
  app = await startApp({ dynamodbEndpoint: db.endpoint, env: { MESSAGE_BURST: '1000', MESSAGES_PER_SECOND: '1000', LOG_LEVEL: 'info' } })
  const author = new Client(app.url)
  expect((await author.post('/api/auth/register', { username: `links${Date.now().toString(36)}`, password: 'Correct-Horse-9' })).status).toBe(201)
  const created = await author.post('/api/rooms', { name: `Links ${Date.now().toString(36)}`, topic: '' })
  expect(created.status).toBe(201)
  room = created.json.room.id
  const socket = await connect(app.url, { cookie: author.cookieHeader, origin: app.url })
  ids = []
  for (let i = 1; i <= 30; i++) {
    const [err, message] = await call<WireMessage>(socket, 'new message', { room, message: `message ${i}` })
    expect(err).toBeNull()
    ids.push(message.message)
  }
  reader = new Client(app.url)
  expect((await reader.post('/api/auth/guest')).status).toBe(201)
})

afterAll(async () => {
  closeAll()
  await app?.stop()
  await db?.stop()
})

const texts = (messages: { content: { text: string } }[]) => messages.map(m => m.content.text)

describe('the messages around a linked message', () => {
  it('are the message with as many older and newer ones as the limit allows, oldest first', async () => {
    const { status, json } = await reader.get(`/api/rooms/${room}/messages?around=${ids[14]}&limit=11`)
    expect(status).toBe(200)
    expect(texts(json.messages)).toEqual(Array.from({ length: 11 }, (_, i) => `message ${10 + i}`))
    expect([json.hasOlder, json.hasNewer]).toEqual([true, true])
  })

  it('stop at the beginning of the room and say there is nothing older', async () => {
    const { json } = await reader.get(`/api/rooms/${room}/messages?around=${ids[1]}&limit=11`)
    expect(texts(json.messages)).toEqual(['message 1', 'message 2', 'message 3', 'message 4', 'message 5', 'message 6', 'message 7'])
    expect([json.hasOlder, json.hasNewer]).toEqual([false, true])
  })

  it('stop at the newest message and say there is nothing newer', async () => {
    const { json } = await reader.get(`/api/rooms/${room}/messages?around=${ids[29]}&limit=5`)
    expect(texts(json.messages)).toEqual(['message 28', 'message 29', 'message 30'])
    expect([json.hasOlder, json.hasNewer]).toEqual([true, false])
  })

  it('use the default page size without a limit', async () => {
    const { json } = await reader.get(`/api/rooms/${room}/messages?around=${ids[14]}`)
    expect(texts(json.messages)).toEqual(Array.from({ length: 30 }, (_, i) => `message ${i + 1}`))
    expect([json.hasOlder, json.hasNewer]).toEqual([false, false])
  })

  it('answer 404 with a clear message for a message that is not in the room', async () => {
    const missing = `${ids[0]!.slice(0, 13)}:0000000000000000`
    const { status, json } = await reader.get(`/api/rooms/${room}/messages?around=${missing}`)
    expect(status).toBe(404)
    expect(json.message).toBe(`There is no message ${missing} in #${room}: it may have been deleted, or the link is wrong`)
    const elsewhere = await reader.get(`/api/rooms/general/messages?around=${ids[3]}`)
    expect(elsewhere.status).toBe(404)
  })

  it('answer like any other room path for a room that does not exist, and for nobody signed in', async () => {
    const { status, json } = await reader.get(`/api/rooms/no-such-room-here/messages?around=${ids[3]}`)
    expect(status).toBe(404)
    expect(json.message).toBe('There is no room "no-such-room-here"')
    expect((await new Client(app.url).get(`/api/rooms/${room}/messages?around=${ids[3]}`)).status).toBe(401)
  })

  it.each([
    [`around=${'1'.repeat(13)}:abcdef12&before=${'1'.repeat(13)}:abcdef34`, 'Use around alone, without before or after'],
    ['around=not-an-id', 'Cursor must be a message id'],
  ])('refuses %s with a clear 400', async (query, message) => {
    const { status, json } = await reader.get(`/api/rooms/${room}/messages?${query}`)
    expect(status).toBe(400)
    expect(json.message).toContain(message)
  })
})

describe('the room page rendered on the server', () => {
  it('holds the linked window, the sidebar and the reader, read in process without a request to its own API', async () => {
    // Log lines reach us after their responses: start after a request whose line has arrived.
    const logOf = async (response: { headers: Headers }) => {
      const id = response.headers.get('x-request-id')!
      await waitUntil(() => app.output().includes(id), 5000, () => `no log line for request ${id}`)
      return app.output().indexOf(id)
    }
    const from = await logOf(await reader.request('/api/auth/me'))
    const page = await reader.request(`/rooms/${room}?m=${ids[20]}`, { headers: { accept: 'text/html' } })
    expect(page.status).toBe(200)
    for (const n of [15, 21, 25]) expect(page.text).toContain(`message ${n}<`)
    expect(page.text).toContain('data-testid="room-list"')
    // A request the page made while rendering would have ended, and been logged, before the page.
    const requests = app.output().slice(from, await logOf(page)).split('\n').slice(1).filter(line => line.includes('http.request'))
    expect(requests).toEqual([])
  })
})
