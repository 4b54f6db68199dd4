import http from 'node:http'
import https from 'node:https'
import type { LookupFunction } from 'node:net'
import { RequestFilteringHttpAgent, RequestFilteringHttpsAgent } from 'request-filtering-agent'

/**
 * GET of a URL someone typed into a message, made by the server: the one way link previews reach
 * the web. Only http(s); every connection, the first and each redirect's, goes through
 * request-filtering-agent, which refuses private, loopback, link-local, metadata and other
 * non-unicast addresses after DNS has answered (so a public name resolving to 169.254.169.254 is
 * refused too); no cookies or credentials are ever sent; the whole exchange (redirects and body
 * included) has one deadline and the body a byte cap, so a slow or endless answer holds neither a
 * request nor memory.
 */
export interface SafeFetchOptions {
  /** The Accept header, and what the answer's Content-Type must start with (one of). */
  accept: string[]
  maxBytes: number
  timeoutMs: number
  /**
   * Past the cap: 'truncate' keeps the first `maxBytes` (a page's head is at its start);
   * 'refuse' throws (an image cut short is no image).
   */
  overflow: 'truncate' | 'refuse'
  /** Addresses or CIDRs let through the filter anyway (tests' page server on loopback only). */
  allowAddresses?: string[]
  /** DNS lookup to use instead of the system's (tests: a name that resolves to a private address). */
  lookup?: LookupFunction
}

export interface Fetched {
  /** Where the content came from, after redirects. */
  url: URL
  contentType: string
  body: Buffer
}

class LinkFetchError extends Error {
  override name = 'LinkFetchError'
}

const MAX_REDIRECTS = 3
const USER_AGENT = 'FargateChatLinkPreview/1.0 (+link previews; Open Graph reader)'

const agents = new Map<string, { http: http.Agent, https: https.Agent }>()

/** One pair of filtering agents per allow list (in production: the empty one). */
function agentsFor(allow: string[]) {
  const key = allow.join(',')
  let pair = agents.get(key)
  if (!pair) {
    const options = { keepAlive: false, allowIPAddressList: allow }
    pair = { http: new RequestFilteringHttpAgent(options), https: new RequestFilteringHttpsAgent(options) }
    agents.set(key, pair)
  }
  return pair
}

/** An address people may share: http(s), no user name or password in it. */
function isFetchableUrl(url: URL): boolean {
  return (url.protocol === 'http:' || url.protocol === 'https:') && !url.username && !url.password
}

export async function safeFetch(address: string, options: SafeFetchOptions): Promise<Fetched> {
  const signal = AbortSignal.timeout(options.timeoutMs)
  let url = new URL(address)
  for (let hop = 0; ; hop++) {
    if (!isFetchableUrl(url)) throw new LinkFetchError(`not an http(s) address: ${url.protocol}`)
    const response = await get(url, options, signal)
    const status = response.statusCode ?? 0
    if (status >= 300 && status < 400 && response.headers.location) {
      response.destroy()
      if (hop >= MAX_REDIRECTS) throw new LinkFetchError('too many redirects')
      url = new URL(response.headers.location, url)
      continue
    }
    if (status !== 200) {
      response.destroy()
      throw new LinkFetchError(`answered ${status}`)
    }
    const contentType = String(response.headers['content-type'] ?? '').toLowerCase()
    const encoding = String(response.headers['content-encoding'] ?? 'identity').toLowerCase()
    // Compressed bodies are refused rather than inflated: a small one can inflate past any cap.
    if (!options.accept.some(type => contentType.startsWith(type)) || encoding !== 'identity') {
      response.destroy()
      throw new LinkFetchError(`not ${options.accept.join(' or ')}: ${contentType || 'no type'}${encoding === 'identity' ? '' : `, ${encoding}`}`)
    }
    return { url, contentType, body: await readCapped(response, options, signal) }
  }
}

function get(url: URL, options: SafeFetchOptions, signal: AbortSignal): Promise<http.IncomingMessage> {
  const pair = agentsFor(options.allowAddresses ?? [])
  const secure = url.protocol === 'https:'
  return new Promise((resolve, reject) => {
    const request = (secure ? https : http).request(url, {
      method: 'GET',
      agent: secure ? pair.https : pair.http,
      signal,
      // No Cookie or Authorization, ever: the server speaks for nobody.
      headers: { 'user-agent': USER_AGENT, 'accept': options.accept.join(', '), 'accept-encoding': 'identity' },
      ...(options.lookup ? { lookup: options.lookup } : {}),
    }, resolve)
    request.on('error', error => reject(error.name === 'AbortError' ? new LinkFetchError(`no answer within ${options.timeoutMs} ms`) : error))
    request.end()
  })
}

async function readCapped(response: http.IncomingMessage, options: SafeFetchOptions, signal: AbortSignal): Promise<Buffer> {
  const declared = Number(response.headers['content-length'])
  if (options.overflow === 'refuse' && declared > options.maxBytes) {
    response.destroy()
    throw new LinkFetchError(`${declared} bytes; at most ${options.maxBytes}`)
  }
  const chunks: Buffer[] = []
  let size = 0
  try {
    for await (const chunk of response as AsyncIterable<Buffer>) {
      chunks.push(chunk)
      size += chunk.length
      if (size < options.maxBytes) continue
      // Enough: the connection closes here, whatever the server meant to send.
      response.destroy()
      if (size > options.maxBytes && options.overflow === 'refuse') throw new LinkFetchError(`more than ${options.maxBytes} bytes`)
      break
    }
  }
  catch (error) {
    if (error instanceof LinkFetchError) throw error
    throw new LinkFetchError(signal.aborted ? `no answer within ${options.timeoutMs} ms` : 'the connection failed', { cause: error })
  }
  return Buffer.concat(chunks).subarray(0, options.maxBytes)
}
