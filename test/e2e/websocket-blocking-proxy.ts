import { createServer, request } from 'node:http'
import type { AddressInfo } from 'node:net'

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
