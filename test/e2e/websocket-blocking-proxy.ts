import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http'
import { connect, type AddressInfo } from 'node:net'

/**
 * In a deployment the app's PUBLIC_ORIGIN is the proxy's address; these proxies listen on ports of
 * their own in front of an app configured with its own address, so they present the browser's
 * requests as coming from there.
 */
function fromApp(headers: IncomingHttpHeaders, upstream: URL): IncomingHttpHeaders {
  return headers.origin ? { ...headers, origin: upstream.origin } : headers
}

/** Sends `req` on to `upstream` and its answer back. */
function forward(req: IncomingMessage, res: ServerResponse, upstream: URL): void {
  const onward = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: fromApp(req.headers, upstream) }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers)
    answer.pipe(res)
  })
  onward.on('error', () => res.destroy())
  req.pipe(onward)
}

/**
 * An HTTP proxy in front of `target` that passes plain requests through and refuses every
 * websocket upgrade with 403, as some corporate proxies do.
 */
export async function startWebsocketBlockingProxy(target: string): Promise<{ url: string, refusedUpgrades: () => number, stop: () => Promise<void> }> {
  const upstream = new URL(target)
  let refused = 0
  const server = createServer((req, res) => forward(req, res, upstream))
  server.on('upgrade', (_req, socket) => {
    refused++
    socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    refusedUpgrades: () => refused,
    stop: () => new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    }),
  }
}

/**
 * An HTTP proxy in front of `target` that passes everything through, websockets included, except,
 * while `block()` holds, the realtime connection (`/socket.io/`: upgrades refused, long-polling
 * answered 503): pages still load, the socket cannot connect, as when only realtime is away.
 */
export async function startRealtimeSwitchProxy(target: string): Promise<{ url: string, block: () => void, unblock: () => void, stop: () => Promise<void> }> {
  const upstream = new URL(target)
  let blocked = false
  const realtime = (url: string | undefined) => Boolean(url?.startsWith('/socket.io/'))
  const server = createServer((req, res) => {
    if (blocked && realtime(req.url)) {
      res.writeHead(503).end()
      return
    }
    forward(req, res, upstream)
  })
  server.on('upgrade', (req, socket, head) => {
    if (blocked || !realtime(req.url)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
      return
    }
    const tunnel = connect(Number(upstream.port), upstream.hostname, () => {
      const headers = []
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        const name = req.rawHeaders[i]!
        headers.push(`${name}: ${name.toLowerCase() === 'origin' ? upstream.origin : req.rawHeaders[i + 1]}`)
      }
      tunnel.write(`${req.method} ${req.url} HTTP/${req.httpVersion}\r\n${headers.join('\r\n')}\r\n\r\n`)
      tunnel.write(head)
      tunnel.pipe(socket).pipe(tunnel)
    })
    const end = () => {
      tunnel.destroy()
      socket.destroy()
    }
    tunnel.on('error', end).on('close', end)
    socket.on('error', end).on('close', end)
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    block: () => (blocked = true),
    unblock: () => (blocked = false),
    stop: () => new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    }),
  }
}
