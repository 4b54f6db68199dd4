import { defineEventHandler, getRequestURL } from 'h3'

/**
 * `HEAD` on an API route is answered as `GET` (uptime monitors and load balancers probe with it):
 * the routes are declared for GET only, so without this a HEAD fell through to the page renderer
 * and answered 302 to /login. Node's response to a HEAD request never sends a body, whatever the
 * handler writes, so only the router's view of the method changes.
 */
export default defineEventHandler((event) => {
  if (event.method === 'HEAD' && getRequestURL(event).pathname.startsWith('/api/')) event._method = 'GET'
})
