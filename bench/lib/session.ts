// Getting a signed-in guest and a room with history, shared by the page and weight benchmarks.
import { io } from 'socket.io-client'

/** Signs in as a guest over HTTP: the session cookie (name=value pairs) for authenticated requests. */
export async function guestCookie(url: string): Promise<string> {
  const response = await fetch(`${url}/api/auth/guest`, { method: 'POST', headers: { origin: url, accept: 'application/json' } })
  if (response.status !== 201 && response.status !== 200) throw new Error(`guest sign-in answered ${response.status}: ${await response.text()}`)
  return response.headers.getSetCookie().map(c => c.split(';')[0]).join('; ')
}

/** Puts `count` messages into the room through the app's own socket path, so history has something to return. */
export async function seed(url: string, room: string, count: number): Promise<void> {
  const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: { origin: url } })
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve)
      socket.once('connect_error', reject)
    })
    const ack = (event: string, ...payload: unknown[]) => new Promise<unknown>((resolve, reject) => {
      socket.timeout(10_000).emit(event, ...payload, (timeout: Error | null, error: string | null, result: unknown) => {
        if (timeout || error) reject(new Error(`${event}: ${timeout?.message ?? error}`))
        else resolve(result)
      })
    })
    await ack('anonymous user')
    for (let i = 0; i < count; i++) await ack('new message', { room, message: `Seeded message ${i + 1} for the page benchmark: a line of ordinary chat text.` })
  }
  finally {
    socket.close()
  }
}
