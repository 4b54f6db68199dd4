import { ServerResponse, type IncomingMessage } from 'node:http'
import { createEvent, getCookie, getSession, useSession, type H3Event, type SessionConfig } from 'h3'
import type { PublicUser } from '#shared/types/chat'
import { getServerConfig } from './config.ts'
import { UnauthorizedError } from './errors.ts'
import { isSecureRequest } from './request-info.ts'

/** Sealed (encrypted and signed), HttpOnly cookie sessions holding only what displays the user. */
export const SESSION_COOKIE = 'fargate-chat'

interface SessionData {
  user?: PublicUser
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

export async function getSessionUser(event: H3Event): Promise<PublicUser | null> {
  const session = await getSession<SessionData>(event, sessionConfig(event.node.req))
  return session.data.user ?? null
}

export async function requireSessionUser(event: H3Event): Promise<PublicUser> {
  const user = await getSessionUser(event)
  if (!user) throw new UnauthorizedError()
  return user
}

export async function startSession(event: H3Event, user: PublicUser): Promise<void> {
  const session = await useSession<SessionData>(event, sessionConfig(event.node.req))
  await session.clear()
  await session.update({ user })
}

export async function endSession(event: H3Event): Promise<void> {
  const session = await useSession<SessionData>(event, sessionConfig(event.node.req))
  await session.clear()
}

/** The signed-in user of a raw request (the Socket.io handshake), from its session cookie. */
export async function userFromRequest(req: IncomingMessage): Promise<PublicUser | null> {
  const event = createEvent(req, new ServerResponse(req))
  // Without a cookie, h3 would start (and set) a new empty session: nothing to read anyway.
  if (!getCookie(event, SESSION_COOKIE)) return null
  try {
    return await getSessionUser(event)
  }
  catch {
    return null
  }
}
