import { createServer, request } from 'node:http'
import { connect, type AddressInfo } from 'node:net'

/**
 * An HTTP proxy in front of `target` that passes plain requests through and refuses every
 * websocket upgrade with 403, as some corporate proxies do.
 */
export async function startWebsocketBlockingProxy(target: string): Promise<{ url: string, refusedUpgrades: () => number, stop: () => Promise<void> }> {
  const upstream = new URL(target)
  let refused = 0
  const server = createServer((req, res) => {
    // In a deployment the app's PUBLIC_ORIGIN is the proxy's address; this one listens on a port of
    // its own in front of an app configured with its own address, so it presents the browser's
    // requests as coming from there.
    const headers = req.headers.origin ? { ...req.headers, origin: upstream.origin } : req.headers
    const forward = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(res)
    })
    forward.on('error', () => res.destroy())
    req.pipe(forward)
  })
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
    const forward = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(res)
    })
    forward.on('error', () => res.destroy())
    req.pipe(forward)
  })
  server.on('upgrade', (req, socket, head) => {
    if (blocked || !realtime(req.url)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
      return
    }
    const forward = connect(Number(upstream.port), upstream.hostname, () => {
      const headers = []
      for (let i = 0; i < req.rawHeaders.length; i += 2) headers.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`)
      forward.write(`${req.method} ${req.url} HTTP/${req.httpVersion}\r\n${headers.join('\r\n')}\r\n\r\n`)
      forward.write(head)
      forward.pipe(socket).pipe(forward)
    })
    const end = () => {
      forward.destroy()
      socket.destroy()
    }
    forward.on('error', end).on('close', end)
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
