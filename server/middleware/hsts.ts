import { defineEventHandler, setResponseHeader } from 'h3'
import { getServerConfig } from '../core/config.ts'
import { isSecureRequest } from '../core/request-info.ts'

/** One year; browsers then use HTTPS for this host (and its subdomains) without asking. */
const HSTS = 'max-age=31536000; includeSubDomains'

/**
 * Strict-Transport-Security only on responses that went out over HTTPS (directly or through the
 * load balancer): RFC 6797 forbids it over plain HTTP, and nuxt-security would send it on every
 * response, including those of a deployment without a certificate.
 */
export default defineEventHandler((event) => {
  if (isSecureRequest(event.node.req, getServerConfig().trustProxy)) setResponseHeader(event, 'Strict-Transport-Security', HSTS)
})
