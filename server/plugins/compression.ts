import { Socket } from 'node:net'
import { promisify } from 'node:util'
import { brotliCompress, constants, gzip } from 'node:zlib'
import { appendResponseHeader, getRequestHeader, getResponseHeader, getResponseStatus, removeResponseHeader, setResponseHeader } from 'h3'
import { defineNitroPlugin } from 'nitropack/runtime'

// Compresses server-rendered HTML and API JSON by the client's Accept-Encoding (brotli, else gzip).
// Files under /_nuxt are precompressed at build time (nitro.compressPublicAssets) and served as they
// are. h3 1 has no compression of its own; h3-compression only handles strings, ignores q-values
// and sets no Vary, hence this file. Socket.io answers its own requests and never reaches this hook.

/** Below this a compressed body saves less than the headers and the work cost. */
const MIN_BYTES = 1024
const COMPRESSIBLE = /^(?:text\/|application\/(?:json|javascript|xml|manifest\+json)|image\/svg\+xml)/
// Quality 4: most of brotli's gain for a fraction of its default (11) cost, for per-request bodies.
const brotli = promisify(brotliCompress)
const gzipped = promisify(gzip)
const BROTLI_OPTIONS = (size: number) => ({
  params: { [constants.BROTLI_PARAM_QUALITY]: 4, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT, [constants.BROTLI_PARAM_SIZE_HINT]: size },
})

type Encoding = 'br' | 'gzip'

/** The best coding the client accepts (RFC 9110 §12.5.3): brotli, then gzip; q=0 refuses one. */
function chooseEncoding(header: string | undefined): Encoding | null {
  if (!header) return null
  const weights = new Map<string, number>()
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';')
    const q = params.map(p => p.trim()).find(p => p.startsWith('q='))
    weights.set(name!, q ? Number(q.slice(2)) || 0 : 1)
  }
  const accepted = (coding: Encoding) => (weights.get(coding) ?? weights.get('*') ?? 0) > 0
  if (accepted('br')) return 'br'
  if (accepted('gzip')) return 'gzip'
  return null
}

/** The body as h3 would send it, or null for what is not plain text or JSON (streams, web responses). */
function serialise(body: unknown): { bytes: Buffer, type: string } | null {
  if (typeof body === 'string') return { bytes: Buffer.from(body), type: 'text/html' }
  if (Buffer.isBuffer(body)) return { bytes: body, type: '' }
  const plain = body !== null && typeof body === 'object' && (Array.isArray(body) || [Object.prototype, null].includes(Object.getPrototypeOf(body)))
  if (plain || typeof body === 'number' || typeof body === 'boolean') return { bytes: Buffer.from(JSON.stringify(body)), type: 'application/json' }
  return null
}

export default defineNitroPlugin((nitro) => {
  nitro.hooks.hook('beforeResponse', async (event, response) => {
    if (event.method === 'HEAD' || event.path.startsWith('/socket.io/')) return
    // In-process requests (nitro's localFetch) have no real socket. Their callers read the body as
    // text: Nuxt's error handler forwards the browser's Accept-Encoding to its /__nuxt_error render.
    if (!(event.node.req.socket instanceof Socket)) return
    if (getResponseHeader(event, 'content-encoding')) return // a precompressed file
    const status = getResponseStatus(event)
    if (status === 204 || status === 304) return
    const serialised = serialise(response.body)
    if (!serialised || serialised.bytes.length < MIN_BYTES) return
    const type = String(getResponseHeader(event, 'content-type') ?? serialised.type)
    if (!COMPRESSIBLE.test(type)) return
    // Caches must keep the compressed and the plain answer apart, whichever this client gets.
    appendResponseHeader(event, 'vary', 'Accept-Encoding')
    const encoding = chooseEncoding(getRequestHeader(event, 'accept-encoding'))
    if (!encoding) return
    const { bytes } = serialised
    const compressed = encoding === 'br' ? await brotli(bytes, BROTLI_OPTIONS(bytes.length)) : await gzipped(bytes)
    if (!getResponseHeader(event, 'content-type')) setResponseHeader(event, 'content-type', serialised.type) // what h3 would have set
    setResponseHeader(event, 'content-encoding', encoding)
    removeResponseHeader(event, 'content-length')
    setResponseHeader(event, 'content-length', compressed.length)
    // A strong validator names exact bytes: the compressed body is a different representation.
    const etag = getResponseHeader(event, 'etag')
    if (typeof etag === 'string' && !etag.startsWith('W/')) setResponseHeader(event, 'etag', `W/${etag}`)
    response.body = compressed
  })
})
