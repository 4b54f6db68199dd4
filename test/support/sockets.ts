import { io, type Socket } from 'socket.io-client'
import type { ClientToServerEvents, ServerToClientEvents } from '#shared/types/socket'

export type TestSocket = Socket<ServerToClientEvents, ClientToServerEvents>
type Untyped = { emit: (event: string, ...args: unknown[]) => void, once: (event: string, listener: (...args: unknown[]) => void) => void }

const open: TestSocket[] = []
/** 'presence' and 'login' arrive right after connecting, before a test could listen: keep them. */
const EARLY_EVENTS = ['presence', 'login']
const early = new WeakMap<TestSocket, Map<string, unknown>>()

/** A socket.io-client connection, websocket only unless told otherwise, closed after the test file. */
export async function connect(url: string, options: { cookie?: string, origin?: string, transports?: string[], headers?: Record<string, string> } = {}): Promise<TestSocket> {
  const headers: Record<string, string> = { ...options.headers }
  if (options.cookie) headers.cookie = options.cookie
  if (options.origin) headers.origin = options.origin
  const socket: TestSocket = io(url, { transports: options.transports ?? ['websocket'], extraHeaders: headers, reconnection: false, forceNew: true })
  open.push(socket)
  const buffer = new Map<string, unknown>()
  early.set(socket, buffer)
  for (const event of EARLY_EVENTS) (socket as unknown as Untyped).once(event, (payload: unknown) => buffer.set(event, payload))
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve())
    socket.once('connect_error', reject)
  })
  return socket
}

export function closeAll(): void {
  for (const socket of open.splice(0)) socket.disconnect()
}

/** Emits with an ack and resolves with [err, result], the original protocol's node-style ack. */
export function call<T = unknown>(socket: TestSocket, event: string, ...args: unknown[]): Promise<[string | null, T]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ack for "${event}"`)), 5000)
    ;(socket as unknown as Untyped).emit(event, ...args, (err: string | null, result: T) => {
      clearTimeout(timer)
      resolve([err, result])
    })
  })
}

/** Resolves with the next payload of `event`, or fails after `timeoutMs`. */
export function waitFor<T = unknown>(socket: TestSocket, event: string, timeoutMs = 5000): Promise<T> {
  const buffered = early.get(socket)
  if (buffered?.has(event)) {
    const payload = buffered.get(event)
    buffered.delete(event)
    return Promise.resolve(payload as T)
  }
  buffered?.delete(event)
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${event}" within ${timeoutMs} ms`)), timeoutMs)
    ;(socket as unknown as Untyped).once(event, (payload: unknown) => {
      clearTimeout(timer)
      resolve(payload as T)
    })
  })
}

/** Collects every payload of `event` from now on. */
export function collect<T = unknown>(socket: TestSocket, event: string): T[] {
  const seen: T[] = []
  ;(socket as unknown as { on: (e: string, l: (p: T) => void) => void }).on(event, p => seen.push(p))
  return seen
}

/**
 * A round trip to the server on this socket's own connection: every frame the server wrote to
 * the socket before handling it has arrived once this resolves. Lets a test assert that
 * something was never sent without waiting a fixed time. ('stop typing' for a room the socket
 * is not in does nothing and answers any ack.)
 */
export async function barrier(socket: TestSocket): Promise<void> {
  await call(socket, 'stop typing', 'barrier')
}

export async function signedInGuest(url: string): Promise<{ socket: TestSocket, username: string }> {
  const socket = await connect(url)
  const [err, identity] = await call<{ username: string }>(socket, 'anonymous user')
  if (err) throw new Error(err)
  return { socket, username: identity.username }
}
