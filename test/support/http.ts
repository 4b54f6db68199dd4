import type { ChatMessage, FollowedThread, Person, PublicUser, Room, RoomAvailability, RoomSummary } from '#shared/types/chat'

/**
 * The fields the app's JSON routes answer with. A test reads the ones it expects of a response;
 * one that is absent reads as undefined at run time and fails that test's assertion.
 */
interface ApiBody {
  message: string
  statusMessage: string
  data: { issues: { path: string, message: string }[] }
  /** The session's user; the profile routes (PATCH /api/me, /api/me/status) answer with the person as others see them. */
  user: PublicUser & Partial<Pick<Person, 'displayName' | 'status'>>
  /** GET /api/users */
  users: Person[]
  admin?: true
  room: Room
  rooms: RoomSummary[]
  messages: ChatMessage[]
  next: string | null
  /** The server's time of a history read (the page's first `since` for changes). */
  until: number
  hasOlder: boolean
  hasNewer: boolean
  status: string
  checks: Record<string, string>
  /** An upload grant (POST /api/rooms/:room/uploads). */
  id: string
  url: string
  fields: Record<string, string>
  maxBytes: number
  /** GET /api/rooms/:room/read-marker */
  marker: string | null
  /** GET /api/room-ids/:id */
  availability: RoomAvailability
  /** GET /api/rooms/:room/messages/:id/thread: the parent, whether the reader follows it; ?around= of a reply: its parent. */
  parent: ChatMessage
  following: boolean
  thread: string
  /** GET /api/threads */
  threads: FollowedThread[]
}

/** A small HTTP client with a cookie jar, as a browser on the app's own origin would behave. */
export class Client {
  readonly base: string
  cookies = new Map<string, string>()

  constructor(base: string) {
    this.base = base
  }

  get cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  }

  async request(path: string, init: { method?: string, body?: unknown, rawBody?: string, headers?: Record<string, string> } = {}) {
    const method = init.method ?? (init.body !== undefined || init.rawBody !== undefined ? 'POST' : 'GET')
    const headers: Record<string, string> = { accept: 'application/json', ...init.headers }
    if (this.cookies.size) headers.cookie = this.cookieHeader
    if (method !== 'GET') headers.origin ??= this.base
    let body: string | undefined = init.rawBody
    if (init.body !== undefined) {
      body = JSON.stringify(init.body)
      headers['content-type'] = 'application/json'
    }
    const response = await fetch(`${this.base}${path}`, { method, headers, body, redirect: 'manual' })
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';')
      const index = pair!.indexOf('=')
      const name = pair!.slice(0, index)
      const value = pair!.slice(index + 1)
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(cookie) || /max-age=0/i.test(cookie)) this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
    const text = await response.text()
    let json: ApiBody
    try {
      json = JSON.parse(text) as ApiBody
    }
    catch {
      // Not JSON (an HTML page): no field is there.
      json = {} as ApiBody
    }
    return { status: response.status, headers: response.headers, json, text }
  }

  post(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request(path, { method: 'POST', body, headers })
  }

  get(path: string) {
    return this.request(path)
  }
}
