import { expect } from 'vitest'
import type { WireMessage } from '#shared/types/socket'
import { Client } from './http.ts'
import { call, connect, waitFor, type TestSocket } from './sockets.ts'

/** Someone signed in over HTTP on one instance (`url`): their cookie jar and username. */
export interface Person {
  username: string
  http: Client
  url: string
}

/** Someone signed in with a socket subscribed to their rooms as well. */
export interface Connected extends Person {
  socket: TestSocket
}

const PASSWORD = 'Correct-Horse-9'

let counter = 0
/** A name no other test of this run uses (usernames, room ids). */
export function uniqueName(prefix = 'u'): string {
  return `${prefix}${Date.now().toString(36)}${counter++}`
}

/** A new account, signed in on `url`. */
export async function account(url: string, options: { username?: string, prefix?: string, displayName?: string, password?: string } = {}): Promise<Person> {
  const http = new Client(url)
  const username = options.username ?? uniqueName(options.prefix)
  const response = await http.post('/api/auth/register', { username, password: options.password ?? PASSWORD, ...(options.displayName ? { displayName: options.displayName } : {}) })
  expect(response.status).toBe(201)
  return { username, http, url }
}

/** A new guest, signed in on `url`. */
export async function guest(url: string): Promise<Person> {
  const http = new Client(url)
  const response = await http.post('/api/auth/guest')
  expect(response.status).toBeLessThan(300)
  return { username: response.json.user.username, http, url }
}

/** A socket of `person` on `url` (their own instance unless told), signed in from their cookie and subscribed once 'login' came. */
export async function socketOf(person: Person, url = person.url): Promise<TestSocket> {
  const socket = await connect(url, { cookie: person.http.cookieHeader, origin: url })
  await waitFor(socket, 'login')
  return socket
}

/** A new account (or guest) on `url` with a signed-in socket. */
export async function connected(url: string, options: { guest?: boolean, username?: string, prefix?: string, displayName?: string } = {}): Promise<Connected> {
  const person = options.guest ? await guest(url) : await account(url, options)
  return { ...person, socket: await socketOf(person) }
}

/** `who` sends `text` to `room` over their socket, with any extra fields (replyTo, thread…): the stored message. */
export async function sendAs(who: Connected, room: string, text: string, extra: Record<string, unknown> = {}): Promise<WireMessage> {
  const [err, message] = await call<WireMessage>(who.socket, 'new message', { room, message: text, ...extra })
  expect(err).toBeNull()
  return message
}

/** A public room `creator` made (named `<prefix> <unique>`), everyone given subscribed to it. */
export async function roomOf(prefix: string, creator: Connected, ...others: Connected[]): Promise<string> {
  const response = await creator.http.post('/api/rooms', { name: `${prefix} ${uniqueName()}` })
  expect(response.status).toBe(201)
  const room = response.json.room.id
  for (const who of [creator, ...others]) expect((await call(who.socket, 'join room', room))[0]).toBeNull()
  return room
}
