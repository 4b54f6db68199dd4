import { once } from 'node:events'
import { createConnection, createServer, type Socket } from 'node:net'

export interface SlowProxy {
  endpoint: string
  /** Requests (client→server chunks) seen so far. */
  requests: () => number
  close: () => Promise<void>
}

/**
 * A TCP proxy on loopback that holds every answer from `target` for `delayMs` (in order): a slow
 * database, for tests of what happens while writes are in flight.
 */
export async function startSlowProxy(target: string, delayMs: number): Promise<SlowProxy> {
  const { hostname, port } = new URL(target)
  let requests = 0
  const sockets = new Set<Socket>()
  const server = createServer((client) => {
    const upstream = createConnection({ host: hostname, port: Number(port) })
    sockets.add(client).add(upstream)
    client.on('data', (chunk: Buffer) => {
      requests++
      upstream.write(chunk)
    })
    let queue = Promise.resolve()
    upstream.on('data', (chunk: Buffer) => {
      queue = queue.then(() => new Promise<void>(resolve => setTimeout(resolve, delayMs))).then(() => {
        if (!client.destroyed) client.write(chunk)
      })
    })
    const end = () => {
      client.destroy()
      upstream.destroy()
    }
    client.on('close', end).on('error', end)
    upstream.on('close', end).on('error', end)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address() as { port: number }
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    requests: () => requests,
    async close() {
      for (const socket of sockets) socket.destroy()
      await new Promise(resolve => server.close(resolve))
    },
  }
}
