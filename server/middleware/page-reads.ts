import { defineEventHandler, getRequestURL } from 'h3'
import { pageReads } from '../utils/page-reads.ts'

/** Pages render from in-process reads (server/utils/page-reads.ts); API routes and assets need none. */
export default defineEventHandler((event) => {
  const { pathname } = getRequestURL(event)
  if (pathname.startsWith('/api/') || pathname.startsWith('/_nuxt/') || pathname.startsWith('/socket.io/')) return
  event.context.pageReads = pageReads(event)
})
