// Getting a signed-in guest and a room with history, shared by the page and weight benchmarks.
import { io } from 'socket.io-client'

/** Signs in as a guest over HTTP: the session cookie (name=value pairs) for authenticated requests. */
export async function guestCookie(url: string): Promise<string> {
  const response = await fetch(`${url}/api/auth/guest`, { method: 'POST', headers: { origin: url, accept: 'application/json' } })
  if (response.status !== 201 && response.status !== 200) throw new Error(`guest sign-in answered ${response.status}: ${await response.text()}`)
  return response.headers.getSetCookie().map(c => c.split(';')[0]).join('; ')
}

type Client = ReturnType<typeof io>

async function connect(url: string, headers: Record<string, string>): Promise<Client> {
  const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: { origin: url, ...headers } })
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve)
    socket.once('connect_error', reject)
  })
  return socket
}

function ack(socket: Client, event: string, ...payload: unknown[]): Promise<unknown> {
  return new Promise<unknown>((resolve, reject) => {
    socket.timeout(10_000).emit(event, ...payload, (timeout: Error | null, error: string | null, result: unknown) => {
      if (timeout || error) reject(new Error(`${event}: ${timeout?.message ?? error}`))
      else resolve(result)
    })
  })
}

/** Puts `count` messages into the room through the app's own socket path, so history has something to return. */
export async function seed(url: string, room: string, count: number): Promise<void> {
  const socket = await connect(url, {})
  try {
    await ack(socket, 'anonymous user')
    for (let i = 0; i < count; i++) await ack(socket, 'new message', { room, message: `Seeded message ${i + 1} for the page benchmark: a line of ordinary chat text.` })
  }
  finally {
    socket.close()
  }
}

interface Sidebar { rooms: number, unreadRooms: number, unreadEach: number }

/**
 * Signs up an account whose sidebar holds `rooms` rooms (the defaults plus rooms it created),
 * `unreadRooms` of them with `unreadEach` messages from someone else after its read marker: the
 * room page as a member of a working team sees it. Returns the account's cookie.
 */
export async function readerWithSidebar(url: string, { rooms, unreadRooms, unreadEach }: Sidebar): Promise<string> {
  const headers = { 'origin': url, 'accept': 'application/json', 'content-type': 'application/json' }
  const registered = await fetch(`${url}/api/auth/register`, { method: 'POST', headers, body: JSON.stringify({ username: `reader${Date.now() % 1_000_000}`, password: 'bench-password-1234' }) })
  if (registered.status !== 201 && registered.status !== 200) throw new Error(`register answered ${registered.status}: ${await registered.text()}`)
  const cookie = registered.headers.getSetCookie().map(c => c.split(';')[0]).join('; ')
  const api = async <T>(path: string, init: RequestInit = {}): Promise<T> => {
    const response = await fetch(`${url}${path}`, { ...init, headers: { ...headers, cookie } })
    if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`)
    return await response.json() as T
  }
  const listed = async () => (await api<{ rooms: { id: string, member?: boolean, unread: number }[] }>('/api/rooms')).rooms.filter(r => r.member !== false)
  const created: string[] = []
  for (let i = (await listed()).length; i < rooms; i++) {
    created.push((await api<{ room: { id: string } }>('/api/rooms', { method: 'POST', body: JSON.stringify({ name: `Project ${created.length + 1}` }) })).room.id)
  }
  // Someone else talks in every created room; the reader reads it all, then falls behind in some.
  const poster = await connect(url, {})
  const reader = await connect(url, { cookie })
  try {
    await ack(poster, 'anonymous user')
    for (const room of created) {
      const said = await ack(poster, 'new message', { room, message: `Where ${room} stands this week.` }) as { message: string }
      await ack(reader, 'mark read', { room, message: said.message })
    }
    for (const room of created.slice(0, unreadRooms)) {
      for (let i = 0; i < unreadEach; i++) await ack(poster, 'new message', { room, message: `Unread update ${i + 1} in ${room}.` })
    }
  }
  finally {
    poster.close()
    reader.close()
  }
  const sidebar = await listed()
  if (sidebar.length < rooms || sidebar.filter(r => r.unread > 0).length < unreadRooms) throw new Error(`the reader's sidebar has ${sidebar.length} rooms, ${sidebar.filter(r => r.unread > 0).length} unread`)
  return cookie
}

/** Posts one message as a new guest over HTTP (`POST /api/rooms/:room/messages`): its id. */
export async function postMessage(url: string, room: string, text: string): Promise<string> {
  const cookie = await guestCookie(url)
  const response = await fetch(`${url}/api/rooms/${room}/messages`, { method: 'POST', headers: { 'origin': url, 'accept': 'application/json', 'content-type': 'application/json', cookie }, body: JSON.stringify({ text }) })
  if (response.status !== 201) throw new Error(`posting a message answered ${response.status}: ${await response.text()}`)
  return ((await response.json()) as { id: string }).id
}
