import { ServerResponse, type IncomingMessage } from 'node:http'
import { clearSession, createEvent, getCookie, unsealSession, updateSession, type H3Event, type SessionConfig } from 'h3'
import { LRUCache } from 'lru-cache'
import type { PublicUser } from '#shared/types/chat'
import { getServerConfig } from '../core/config.ts'
import { UnauthorizedError } from '../core/errors.ts'
import { isSecureRequest } from '../core/request-info.ts'
import { useSessions } from '../domain/people/sessions.ts'
import { announce } from '../domain/events.ts'

/**
 * Sealed (encrypted and signed), HttpOnly cookie sessions holding what displays the user, and a
 * session id that must still be in the Sessions table (sessions.ts): signing out ends a session
 * for every instance and socket, not just for the browser that signed out.
 */
export const SESSION_COOKIE = 'fargate-chat'

interface SessionData {
  user?: PublicUser
}

/** A request's signed-in session. */
export interface CurrentSession {
  id: string
  user: PublicUser
}

function sessionConfig(req?: IncomingMessage): SessionConfig {
  const config = getServerConfig()
  return {
    name: SESSION_COOKIE,
    password: config.sessionPassword,
    maxAge: config.sessionMaxAgeSeconds,
    sessionHeader: false,
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      path: '/',
      // Secure whenever the browser reached us over HTTPS (directly or through the load balancer),
      // so a deployment without a certificate still lets people sign in.
      secure: req ? isSecureRequest(req, config.trustProxy) : config.production,
    },
  }
}

/** Looked up once per request, however many handlers ask. */
const perRequest = new WeakMap<H3Event, Promise<CurrentSession | null>>()

/**
 * What valid sealed cookies hold, for a minute: unsealing (key derivation, HMAC, AES through
 * WebCrypto) was 7 % of a room page's CPU, and every API request and socket handshake pays it. Only a cookie that unsealed is kept, keyed by its whole sealed text, so this answers
 * exactly what unsealing would (within a minute of the seal's expiry); revocation is still checked
 * on every request below.
 */
const openedCookies = new LRUCache<string, CurrentSession>({ max: 10_000, ttl: 60_000 })

async function unseal(event: H3Event, sealed: string): Promise<CurrentSession | null> {
  const known = openedCookies.get(sealed)
  if (known) return known
  let unsealed
  try {
    unsealed = await unsealSession(event, sessionConfig(event.node.req), sealed)
  }
  catch {
    // Tampered, sealed with another secret, or expired.
    return null
  }
  const user = (unsealed.data as SessionData | undefined)?.user
  if (!unsealed.id || !user) return null
  const session = { id: unsealed.id, user }
  openedCookies.set(sealed, session)
  return session
}

async function readSession(event: H3Event): Promise<CurrentSession | null> {
  // Without a cookie there is nothing to read (and no empty session is started for visitors).
  const sealed = getCookie(event, SESSION_COOKIE)
  const session = sealed ? await unseal(event, sealed) : null
  if (!session) return null
  return await useSessions().isActive(session.id, session.user.username) ? session : null
}

function getCurrentSession(event: H3Event): Promise<CurrentSession | null> {
  let session = perRequest.get(event)
  if (!session) {
    session = readSession(event)
    perRequest.set(event, session)
  }
  return session
}

export async function requireSession(event: H3Event): Promise<CurrentSession> {
  const session = await getCurrentSession(event)
  if (!session) throw new UnauthorizedError()
  return session
}

export async function getSessionUser(event: H3Event): Promise<PublicUser | null> {
  return (await getCurrentSession(event))?.user ?? null
}

export async function requireSessionUser(event: H3Event): Promise<PublicUser> {
  return (await requireSession(event)).user
}

/** Tells every instance (through socket.io.ts) that sessions ended: their sockets close. */
async function announceRevoked(revoked: { sessionIds: string[], allOf?: { username: string, except: string } }): Promise<void> {
  await announce('chat:sessions-revoked', revoked)
}

/** Signs `user` in with a new session (ending the one this browser had, if any). */
export async function startSession(event: H3Event, user: PublicUser): Promise<void> {
  const previous = await getCurrentSession(event)
  if (previous) {
    await useSessions().revoke(previous.id)
    await announceRevoked({ sessionIds: [previous.id] })
  }
  const id = await useSessions().create(user.username)
  // A fresh h3 session with our id: h3 itself would reuse the id of the cookie the request carried.
  event.context.sessions ??= Object.create(null) as Record<string, never>
  event.context.sessions![SESSION_COOKIE] = { id, createdAt: Date.now(), data: { user } }
  await updateSession(event, sessionConfig(event.node.req))
  perRequest.set(event, Promise.resolve({ id, user }))
}

/** Signs out: ends this session everywhere and clears the cookie. */
export async function endSession(event: H3Event): Promise<void> {
  const session = await getCurrentSession(event)
  if (session) {
    await useSessions().revoke(session.id)
    await announceRevoked({ sessionIds: [session.id] })
  }
  await clearSession(event, sessionConfig(event.node.req))
  perRequest.set(event, Promise.resolve(null))
}

/** Ends every session of this user but the current one; returns how many ended. */
export async function endOtherSessions(session: CurrentSession): Promise<number> {
  const ended = await useSessions().revokeOthers(session.user.username, session.id)
  // Also closes the user's sockets signed in by socket event (no session of their own).
  await announceRevoked({ sessionIds: ended, allOf: { username: session.user.username, except: session.id } })
  return ended.length
}

/** The signed-in session of a raw request (the Socket.io handshake), from its session cookie. */
export async function sessionFromRequest(req: IncomingMessage): Promise<CurrentSession | null> {
  if (!req.headers.cookie) return null
  try {
    return await readSession(createEvent(req, new ServerResponse(req)))
  }
  catch {
    return null
  }
}
