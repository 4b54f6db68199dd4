import type { IncomingMessage } from 'node:http'
import type { TLSSocket } from 'node:tls'

/**
 * Facts about a request that depend on whether a trusted proxy (the load balancer) sits
 * in front: client address, scheme and host. Used by HTTP routes and the socket handshake alike.
 */
function firstHeader(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name]
  return Array.isArray(value) ? value[0] : value
}

/** The client's address. The ALB appends the peer it saw to X-Forwarded-For, so the last entry is the one to trust. */
export function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = firstHeader(req, 'x-forwarded-for')?.split(',').map(s => s.trim()).filter(Boolean)
    if (forwarded?.length) return forwarded[forwarded.length - 1]!
  }
  return req.socket.remoteAddress ?? 'unknown'
}

export function isSecureRequest(req: IncomingMessage, trustProxy: boolean): boolean {
  if (trustProxy) {
    const proto = firstHeader(req, 'x-forwarded-proto')?.split(',')[0]?.trim()
    if (proto) return proto === 'https'
  }
  return Boolean((req.socket as TLSSocket).encrypted)
}

/** The origin the browser used to reach us, e.g. `https://chat.example.com`. */
export function requestOrigin(req: IncomingMessage, trustProxy: boolean): string {
  const host = (trustProxy && firstHeader(req, 'x-forwarded-host')?.split(',')[0]?.trim()) || firstHeader(req, 'host') || 'localhost'
  return `${isSecureRequest(req, trustProxy) ? 'https' : 'http'}://${host}`
}

/**
 * Cross-origin protection for state-changing requests and socket handshakes. A browser always
 * sends Origin on those; clients that are not browsers (scripts, the original app's client) send
 * neither Origin nor Sec-Fetch-Site and are allowed, since they carry no ambient cookies of ours.
 * `Origin: null` (sandboxed frames, some redirects, data: pages) is never ours.
 */
export function isAllowedOrigin(req: IncomingMessage, trustProxy: boolean, extraOrigins: string[]): boolean {
  const origin = firstHeader(req, 'origin')
  if (origin === 'null') return false
  if (!origin) {
    const site = firstHeader(req, 'sec-fetch-site')
    return !site || site === 'same-origin' || site === 'none'
  }
  const normalised = origin.replace(/\/$/, '').toLowerCase()
  return normalised === requestOrigin(req, trustProxy).toLowerCase() || extraOrigins.some(o => o.toLowerCase() === normalised)
}
