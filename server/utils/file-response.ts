import { sendRedirect, sendStream, setResponseHeaders, type H3Event } from 'h3'
import { LINK_SECONDS, type FileAnswer } from '../domain/files/downloads.ts'

/** Sends what openFile answered: a cacheable redirect, or a download no browser will render or sniff. */
export function sendFile(event: H3Event, answer: FileAnswer) {
  if (answer.kind === 'redirect') {
    // Private: the link is for this reader; shorter than the link's own life.
    setResponseHeaders(event, { 'Cache-Control': `private, max-age=${LINK_SECONDS - 60}` })
    return sendRedirect(event, answer.url, 302)
  }
  setResponseHeaders(event, {
    'Content-Type': answer.type,
    'Content-Length': String(answer.size),
    'Content-Disposition': answer.disposition,
    'X-Content-Type-Options': 'nosniff',
    // Opened anyway (a new tab on a download), it runs nothing and reaches nothing.
    'Content-Security-Policy': 'default-src \'none\'; sandbox',
    'Cache-Control': 'private, no-store',
  })
  return sendStream(event, answer.body)
}
