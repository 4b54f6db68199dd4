import { defineEventHandler, getRequestHeader, send, setResponseStatus, setResponseHeader } from 'h3'
import { log } from '../core/logger.ts'

/** A DNS name, IPv4 address or [IPv6] literal, with an optional port. */
const HOST = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::(?:[1-9]\d{0,3}|[1-5]\d{4}|6[0-4]\d{3}|65[0-4]\d{2}|655[0-2]\d|6553[0-5]))?$/i

/**
 * Runs first: a Host header that is not a host makes every later URL parse throw (a 500 with a
 * stack trace on every route); answer it with a plain 400 and one log line instead.
 */
export default defineEventHandler(async (event) => {
  const host = getRequestHeader(event, 'host')
  if (host === undefined || HOST.test(host)) return
  log.warn('http.bad_host', { host: host.slice(0, 100), method: event.method })
  setResponseStatus(event, 400, 'Bad Request')
  setResponseHeader(event, 'Content-Type', 'application/json')
  await send(event, JSON.stringify({ statusCode: 400, statusMessage: 'Bad Request', message: 'Invalid Host header' }))
})
