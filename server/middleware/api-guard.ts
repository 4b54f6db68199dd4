import { createError, defineEventHandler, getRequestURL } from 'h3'
import { getServerConfig } from '../core/config.ts'
import { isAllowedOrigin } from '../core/request-info.ts'

/** JSON bodies of this API are small; anything larger is refused before it is read. */
const MAX_BODY_BYTES = 16 * 1024
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

export default defineEventHandler((event) => {
  if (SAFE_METHODS.has(event.method) || !getRequestURL(event).pathname.startsWith('/api/')) return
  const config = getServerConfig()
  if (!isAllowedOrigin(event.node.req, config.trustProxy, config.publicOrigin, config.allowedOrigins)) {
    throw createError({ statusCode: 403, statusMessage: 'Forbidden', message: 'Cross-origin request refused' })
  }
  const headers = event.node.req.headers
  const length = Number(headers['content-length'] ?? 0)
  if (headers['transfer-encoding'] && !headers['content-length']) {
    throw createError({ statusCode: 411, statusMessage: 'Length Required', message: 'Send a Content-Length header' })
  }
  if (length > MAX_BODY_BYTES) {
    throw createError({ statusCode: 413, statusMessage: 'Payload Too Large', message: `Request body must be at most ${MAX_BODY_BYTES} bytes` })
  }
  // Bodies are JSON only: a cross-site HTML form can send form-encoded or text bodies without a
  // CORS preflight, JSON it cannot.
  const type = headers['content-type']?.split(';')[0]?.trim().toLowerCase()
  if (length > 0 && type !== 'application/json') {
    throw createError({ statusCode: 415, statusMessage: 'Unsupported Media Type', message: 'Send the body as application/json' })
  }
})
