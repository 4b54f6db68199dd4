// A chat client that behaves like the browser's page, for the chaos suite and the tests that run
// its short version: the same catch-up code as the messages store (utils/catchUp.ts), the same
// reconnection, the same rule for presence lists. Node 24 runs this file directly.
import { randomUUID } from 'node:crypto'
import { io, type Socket } from 'socket.io-client'
import type { ChatMessage, PresenceCount, RoomJoined, RoomPresenceEvent } from '../../shared/types/chat.ts'
import type { ClientToServerEvents, ServerToClientEvents, WireMessage, WireMessagePage } from '../../shared/types/socket.ts'
import { fromWire } from '../../shared/utils/wire.ts'
import { catchUpRoom, insertById, noteLoss, type HeldRoom } from '../../utils/catchUp.ts'

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>
type Untyped = { emit: (event: string, ...args: unknown[]) => void }

/** How a held message first reached this client. */
export type Arrival = 'history' | 'live' | 'ack' | 'catch-up'

/** The browser's values (composables/useChatSocket.ts): acks wait 10 s, reconnects back off 0.5–3 s. */
const ACK_TIMEOUT_MS = 10_000
const RECONNECT = { reconnectionDelay: 500, reconnectionDelayMax: 3000 }

export interface ChatClientOptions {
  /** Where it connects: an instance, or a balancer in front of several. */
  url: string
  /** Rooms whose messages it holds (as a page holds the rooms it has shown). */
  rooms: string[]
  /** The room on screen: joined after every connect, its viewers followed. */
  view: string
  /** The app's public origin, sent as Origin (by default `url`'s: behind balancers, the one they share). */
  origin?: string
}

/** An acknowledged call: [error, result], or a timeout / lost connection as an error of its own. */
function ask<T>(socket: ClientSocket, event: string, ...args: unknown[]): Promise<[string | null, T | null]> {
  return new Promise((resolve) => {
    if (!socket.connected) return resolve(['not connected', null])
    const timed = socket.timeout(ACK_TIMEOUT_MS) as unknown as Untyped
    timed.emit(event, ...args, (timeout: Error | null, err: string | null, result: T) => resolve(timeout ? ['no answer', null] : [err, err ? null : result]))
  })
}

/**
 * One person's page: a guest session, one socket that reconnects by itself, the rooms it holds
 * caught up after every sign-in of the socket (once it is subscribed again) from before anything
 * it may have missed, merged by id; its sends retried under the same client id until acknowledged.
 */
export class ChatClient {
  readonly username: string
  readonly socket: ClientSocket
  readonly view: string
  readonly rooms = new Map<string, HeldRoom<ChatMessage>>()
  readonly arrivals = new Map<string, Arrival>()
  /** The viewers of the room on screen as this page sees them, and their list's version. */
  viewers: { members: string[], version: number } | null = null
  numUsers: number | null = null
  #countVersion = -Infinity
  logins = 0
  /** Catch-ups that failed (the next sign-in retries them). */
  catchUpFailures = 0
  /** The times the server said relays were lost since. */
  readonly relaysLost: number[] = []
  #closed = false
  /** Sends waiting for the connection to come back (or the client to close). */
  readonly #waiting = new Set<() => void>()
  #signedIn: Promise<void>
  #resolveSignedIn: () => void = () => {}

  private constructor(options: ChatClientOptions, username: string, cookie: string) {
    this.username = username
    this.view = options.view
    for (const room of options.rooms) this.rooms.set(room, { messages: [] })
    this.socket = io(options.url, { transports: ['websocket'], extraHeaders: { cookie, origin: options.origin ?? options.url }, forceNew: true, ...RECONNECT })
    this.#signedIn = new Promise(resolve => (this.#resolveSignedIn = resolve))
    this.#listen()
  }

  /** A new guest on `url`, connected and holding the latest page of each of its rooms. */
  static async open(options: ChatClientOptions): Promise<ChatClient> {
    const response = await fetch(`${options.url}/api/auth/guest`, { method: 'POST', headers: { origin: options.origin ?? options.url, accept: 'application/json' } })
    if (!response.ok) throw new Error(`guest sign-in failed: ${response.status}`)
    const cookie = response.headers.getSetCookie().map(c => c.split(';')[0]).join('; ')
    const { user } = await response.json() as { user: { username: string } }
    const client = new ChatClient(options, user.username, cookie)
    await client.#signedIn
    return client
  }

  #listen() {
    const socket = this.socket
    socket.on('new message', (wire) => {
      const room = this.rooms.get(wire.room)
      if (room && insertById(room.messages, fromWire(wire))) this.arrivals.set(wire.message, 'live')
    })
    socket.on('room members', ({ room, members, version }: RoomPresenceEvent) => {
      if (room === this.view) this.#setViewers(members.map(m => m.username), version)
    })
    socket.on('presence', count => this.#setCount(count))
    socket.on('user joined', count => this.#setCount(count))
    socket.on('user left', count => this.#setCount(count))
    // As the page does (plugins/socket.client.ts): deliveries may stop at a disconnect, or since
    // the time the server says it lost relays; the next catch-up goes back before that.
    socket.on('disconnect', () => {
      for (const room of this.rooms.values()) noteLoss(room)
    })
    socket.on('relays lost', ({ since }) => {
      this.relaysLost.push(since)
      for (const room of this.rooms.values()) noteLoss(room, since)
    })
    socket.on('connect', () => {
      for (const wake of this.#waiting) wake()
      this.#waiting.clear()
      // Versions start over on each connect (stores/presence.ts): the instance may be another one.
      this.viewers = null
      this.#countVersion = -Infinity
      void this.#join()
    })
    // 'login' comes once the socket is subscribed to its rooms: only then is a catch-up complete.
    socket.on('login', (count) => {
      this.#setCount(count)
      this.logins++
      void this.#catchUpAll().then(() => this.#resolveSignedIn())
    })
  }

  /** The rule of stores/presence.ts: only a newer count (or list) replaces the one held. */
  #setCount({ numUsers, version }: PresenceCount) {
    if (version < this.#countVersion) return
    this.#countVersion = version
    this.numUsers = numUsers
  }

  #setViewers(members: string[], version: number) {
    if (this.viewers && version < this.viewers.version) return
    this.viewers = { members: [...members].sort(), version }
  }

  async #join() {
    const [err, joined] = await ask<RoomJoined>(this.socket, 'join room', this.view)
    if (!err && joined) this.#setViewers(joined.members.map(m => m.username), joined.version)
  }

  async #catchUpAll() {
    await Promise.all([...this.rooms].map(async ([id, room]) => {
      const read = async (after: string) => {
        const [err, page] = await ask<WireMessagePage>(this.socket, 'catch up', { room: id, after })
        if (err || !page) throw new Error(err ?? 'no page')
        return { messages: page.messages.map(fromWire), next: page.next }
      }
      try {
        const done = await catchUpRoom(room, read, { added: m => this.arrivals.set(m.id, this.logins > 1 ? 'catch-up' : 'history') })
        if (done) return
        const [err, page] = await ask<WireMessagePage>(this.socket, 'message list', { room: id })
        if (err || !page) throw new Error(err ?? 'no page')
        for (const message of page.messages.map(fromWire)) if (insertById(room.messages, message)) this.arrivals.set(message.id, 'history')
      }
      catch {
        this.catchUpFailures++
      }
    }))
  }

  /**
   * Sends until the server acknowledges, as the outbox does: the same client id on every attempt
   * (the server stores it once), again after each reconnect. Resolves with the stored message, or
   * null when the client was closed first. `refused` counts answers that were errors.
   */
  async send(room: string, text: string, refused: (error: string) => void = () => {}): Promise<ChatMessage | null> {
    const clientId = randomUUID()
    while (!this.#closed) {
      if (!this.socket.connected) {
        await new Promise<void>(resolve => this.#waiting.add(resolve))
        continue
      }
      const [err, stored] = await ask<WireMessage>(this.socket, 'new message', { room, message: text, clientId })
      if (stored) {
        const message = fromWire(stored)
        const held = this.rooms.get(room)
        if (held && insertById(held.messages, message)) this.arrivals.set(message.id, 'ack')
        return message
      }
      if (err && err !== 'no answer' && err !== 'not connected') {
        refused(err)
        // A person reads the error and presses Retry a moment later.
        await new Promise(resolve => setTimeout(resolve, 1000))
      }
    }
    return null
  }

  /** Message ids held in `room`, in order. */
  held(room: string): ChatMessage[] {
    return this.rooms.get(room)?.messages ?? []
  }

  close() {
    this.#closed = true
    this.socket.disconnect()
    for (const wake of this.#waiting) wake()
    this.#waiting.clear()
  }
}
