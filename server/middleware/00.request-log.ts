import { randomUUID } from 'node:crypto'
import { defineEventHandler, getRequestURL, setResponseHeader } from 'h3'
import { log } from '../core/logger.ts'

/**
 * One log line per request with an id (the load balancer's trace id when present), status and
 * duration. Static assets and the health probe are left out: they would drown the rest.
 */
export default defineEventHandler((event) => {
  const { pathname } = getRequestURL(event)
  if (pathname.startsWith('/_nuxt/') || pathname === '/api/health' || pathname.startsWith('/socket.io/')) return
  const header = event.node.req.headers['x-amzn-trace-id']
  const id = (Array.isArray(header) ? header[0] : header) ?? randomUUID()
  event.context.requestId = id
  setResponseHeader(event, 'X-Request-Id', id)
  const started = performance.now()
  event.node.res.once('finish', () => {
    const status = event.node.res.statusCode
    const fields = { request: id, method: event.method, path: pathname, status, ms: Math.round(performance.now() - started) }
    if (status >= 500) log.error('http.request', fields)
    else log.info('http.request', fields)
  })
})
