import type { IncomingMessage } from 'node:http'
import type { TLSSocket } from 'node:tls'

/**
 * Facts about a request that depend on the trusted proxy chain in front of the app: client address,
 * scheme and host. Used by HTTP routes and the socket handshake alike.
 *
 * - 'load-balancer': the ALB appends the peer it saw to X-Forwarded-For and sets X-Forwarded-Proto.
 * - 'cloudfront': CloudFront appends the viewer to X-Forwarded-For and sets CloudFront-Forwarded-Proto,
 *   then the ALB appends CloudFront's address and sets X-Forwarded-Proto to CloudFront's hop (http).
 *
 * Neither sets X-Forwarded-Host (both pass Host through), so that header is never read: a client
 * could otherwise choose the origin the origin check compares against.
 */
export type TrustedProxy = 'load-balancer' | 'cloudfront'

/** `true` is the load balancer alone (the meaning TRUST_PROXY=true always had). */
type Trust = boolean | TrustedProxy

function chainOf(trust: Trust): TrustedProxy | undefined {
  return trust === true ? 'load-balancer' : trust || undefined
}

function firstHeader(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name]
  return Array.isArray(value) ? value[0] : value
}

/**
 * The client's address: each trusted proxy appends the peer it saw to X-Forwarded-For, so the entry
 * as many places from the end as there are proxies is the last one no client could have written.
 */
export function clientAddress(req: IncomingMessage, trustProxy: Trust): string {
  const chain = chainOf(trustProxy)
  if (chain) {
    const forwarded = firstHeader(req, 'x-forwarded-for')?.split(',').map(s => s.trim()).filter(Boolean) ?? []
    const address = forwarded[forwarded.length - (chain === 'cloudfront' ? 2 : 1)]
    if (address) return address
  }
  return req.socket.remoteAddress ?? 'unknown'
}

export function isSecureRequest(req: IncomingMessage, trustProxy: Trust): boolean {
  const chain = chainOf(trustProxy)
  if (chain) {
    const proto = firstHeader(req, chain === 'cloudfront' ? 'cloudfront-forwarded-proto' : 'x-forwarded-proto')?.split(',')[0]?.trim()
    if (proto) return proto === 'https'
  }
  return Boolean((req.socket as TLSSocket).encrypted)
}

/** The origin the browser used to reach us, e.g. `https://chat.example.com`, as the request names it. */
function requestOrigin(req: IncomingMessage, trustProxy: Trust): string {
  const host = firstHeader(req, 'host') || 'localhost'
  return `${isSecureRequest(req, trustProxy) ? 'https' : 'http'}://${host}`
}

/**
 * Cross-origin protection for state-changing requests and socket handshakes. A browser always
 * sends Origin on those; clients that are not browsers (scripts, the original app's client) send
 * neither Origin nor Sec-Fetch-Site and are allowed, since they carry no ambient cookies of ours.
 * `Origin: null` (sandboxed frames, some redirects, data: pages) is never ours.
 *
 * Origin is compared with the configured public origin (PUBLIC_ORIGIN), never with the Host header:
 * a page on a name that resolves to this server (DNS rebinding) sends a Host and an Origin that
 * agree. Only without PUBLIC_ORIGIN (development: production requires it) does the request's own
 * origin stand in.
 */
export function isAllowedOrigin(req: IncomingMessage, trustProxy: Trust, publicOrigin: string | undefined, extraOrigins: string[]): boolean {
  const origin = firstHeader(req, 'origin')
  if (origin === 'null') return false
  if (!origin) {
    const site = firstHeader(req, 'sec-fetch-site')
    return !site || site === 'same-origin' || site === 'none'
  }
  const normalised = origin.replace(/\/$/, '').toLowerCase()
  const own = publicOrigin ?? requestOrigin(req, trustProxy)
  return [own, ...extraOrigins].some(o => o.toLowerCase() === normalised)
}
