import { createServer, type ServerResponse } from 'node:http'
import { BlockList, type AddressInfo } from 'node:net'
import { networkInterfaces } from 'node:os'
import sharp from 'sharp'

/** Private ranges a machine's own addresses are usually in (a public one would rightly be fetched). */
const PRIVATE = new BlockList()
PRIVATE.addSubnet('10.0.0.0', 8)
PRIVATE.addSubnet('172.16.0.0', 12)
PRIVATE.addSubnet('192.168.0.0', 16)
PRIVATE.addSubnet('100.64.0.0', 10)
PRIVATE.addSubnet('192.0.2.0', 24)
PRIVATE.addSubnet('fc00::', 7, 'ipv6')

/** Addresses of this machine other than 127.0.0.1, as URL hosts: none is public, all reach the page server. */
export function otherLocalHosts(): string[] {
  const own = Object.values(networkInterfaces()).flat().flatMap((entry) => {
    if (!entry || entry.internal || !PRIVATE.check(entry.address, entry.family === 'IPv6' ? 'ipv6' : 'ipv4')) return []
    return [entry.family === 'IPv6' ? `[${entry.address}]` : entry.address]
  })
  return ['127.0.0.2', '[::1]', ...own]
}

/**
 * A local web site for link previews: Open Graph pages, redirects anywhere, a 50 MB body, an
 * answer that takes 30 s, and a card image. It notes every request it gets and, for the endless
 * answers, how much it had written when the reader hung up.
 */
export interface LinkPages {
  origin: string
  port: number
  /** Paths (with query) requested so far, in order. */
  requests: string[]
  /** Bytes of `/huge` written before its connection closed, once it has. */
  hugeClosed: Promise<number>
  /** Resolves when a `/slow` answer's connection closed before it was done. */
  slowClosed: Promise<void>
  close: () => Promise<void>
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')

/** An Open Graph page (title, description, site name, image on this server). */
function ogPage(card: { title: string, description?: string, siteName?: string, image?: string }): string {
  const meta = [
    `<meta property="og:title" content="${escape(card.title)}">`,
    card.description ? `<meta property="og:description" content="${escape(card.description)}">` : '',
    card.siteName ? `<meta property="og:site_name" content="${escape(card.siteName)}">` : '',
    card.image ? `<meta property="og:image" content="${escape(card.image)}">` : '',
  ].join('\n')
  return `<!doctype html><html><head><meta charset="utf-8"><title>Ignored</title>${meta}</head><body><h1>${escape(card.title)}</h1></body></html>`
}

export async function startLinkPages(): Promise<LinkPages> {
  const requests: string[] = []
  let hugeDone: (bytes: number) => void = () => {}
  let slowDone: () => void = () => {}
  const hugeClosed = new Promise<number>((resolve) => { hugeDone = resolve })
  const slowClosed = new Promise<void>((resolve) => { slowDone = resolve })
  const image = await sharp({ create: { width: 1200, height: 630, channels: 3, background: { r: 30, g: 90, b: 160 } } }).png().toBuffer()

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://pages.test')
    requests.push(`${url.pathname}${url.search}`)
    if (request.headers.cookie || request.headers.authorization) {
      response.writeHead(400).end('credentials were sent')
      return
    }
    switch (url.pathname) {
      case '/page':
        // ?delay=ms: a site that takes its time (the card arrives well after the message).
        setTimeout(() => html(response, ogPage({
          title: url.searchParams.get('title') ?? 'A page',
          description: url.searchParams.get('description') ?? 'What the page is about.',
          siteName: url.searchParams.get('site') ?? 'Example Site',
          ...(url.searchParams.has('noimage') ? {} : { image: '/card.png' }),
        })), Number(url.searchParams.get('delay') ?? 0))
        return
      case '/card.png':
        response.writeHead(200, { 'content-type': 'image/png', 'content-length': image.length }).end(image)
        return
      case '/redirect':
        // With a cookie, which a reader that kept cookies would send to the next hop (refused above).
        response.writeHead(302, { 'location': url.searchParams.get('to') ?? '/', 'set-cookie': 'session=secret; Path=/' }).end()
        return
      case '/huge':
        endless(response, 50 * 1024 * 1024, hugeDone)
        return
      case '/slow': {
        // Headers at once, then nothing for 30 s: only the reader's deadline ends it.
        response.writeHead(200, { 'content-type': 'text/html' })
        response.write('<html><head>')
        const timer = setTimeout(() => response.end('<title>Too late</title></head></html>'), 30_000)
        response.on('close', () => {
          clearTimeout(timer)
          if (!response.writableFinished) slowDone()
        })
        return
      }
      default:
        response.writeHead(404).end()
    }
  })
  // Every address of this machine (dual stack where there is IPv6): a fetch that slipped past the
  // filter to 127.0.0.2, ::1 or the machine's own private address would reach this server and show.
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EAFNOSUPPORT' && error.code !== 'EADDRNOTAVAIL') return reject(error)
      server.listen(0, '0.0.0.0', resolve)
    })
    server.listen(0, '::', resolve)
  })
  const { port } = server.address() as AddressInfo
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    requests,
    hugeClosed,
    slowClosed,
    async close() {
      server.closeAllConnections()
      await new Promise(resolve => server.close(resolve))
    },
  }
}

function html(response: ServerResponse, body: string) {
  response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body)
}

/** A page of `total` bytes (a head, then filler), written as fast as the reader takes it. */
function endless(response: ServerResponse, total: number, closed: (bytes: number) => void) {
  response.writeHead(200, { 'content-type': 'text/html', 'content-length': total })
  let written = 0
  const chunk = Buffer.alloc(64 * 1024, ' ')
  response.write('<html><head><title>Huge</title><meta property="og:title" content="A huge page"></head><body>')
  const pump = () => {
    while (written < total) {
      written += chunk.length
      if (!response.write(chunk)) return void response.once('drain', pump)
    }
    response.end()
  }
  response.on('close', () => closed(written))
  pump()
}
