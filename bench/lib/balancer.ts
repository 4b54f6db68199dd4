// A TCP load balancer on loopback for the chaos suite: it sends each new connection to the first
// backend that accepts it (so clients of an instance that died reconnect to the other, as behind
// an ALB), and can cut the connections it carries without closing them (a transport that goes
// silent: no FIN, no RST, nothing delivered either way).
import { once } from 'node:events'
import { createConnection, createServer, type Socket } from 'node:net'

export interface Balancer {
  url: string
  /** The backend each open connection went to (index into the backends), for reports. */
  placements: () => number[]
  /** From now on nothing passes on the connections open now; they stay open. New ones pass. */
  cut: () => void
  close: () => Promise<void>
}

/** Connects to the first of `ports` (in order) that accepts, or fails when none does. */
function connectFirst(ports: number[], index = 0): Promise<{ upstream: Socket, index: number }> {
  return new Promise((resolve, reject) => {
    if (index >= ports.length) return reject(new Error('no backend accepted'))
    const upstream = createConnection({ host: '127.0.0.1', port: ports[index]! })
    upstream.once('connect', () => resolve({ upstream, index }))
    upstream.once('error', () => {
      upstream.destroy()
      connectFirst(ports, index + 1).then(resolve, reject)
    })
  })
}

/** A balancer preferring the backends in the order given (`ports`). */
export async function startBalancer(ports: number[]): Promise<Balancer> {
  const open = new Map<Socket, { upstream: Socket, index: number, cut: boolean }>()
  const server = createServer((client) => {
    client.pause()
    client.on('error', () => client.destroy())
    connectFirst(ports).then(({ upstream, index }) => {
      const pair = { upstream, index, cut: false }
      open.set(client, pair)
      client.on('data', (chunk: Buffer) => {
        if (!pair.cut) upstream.write(chunk)
      })
      upstream.on('data', (chunk: Buffer) => {
        if (!pair.cut) client.write(chunk)
      })
      const end = () => {
        open.delete(client)
        // A cut connection stays silent: its ends learn nothing of the other's close.
        if (pair.cut) return
        client.destroy()
        upstream.destroy()
      }
      client.on('close', end)
      upstream.on('close', end).on('error', () => upstream.destroy())
      client.resume()
    }, () => client.destroy())
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  return {
    url: `http://127.0.0.1:${port}`,
    placements: () => [...open.values()].map(pair => pair.index),
    cut() {
      for (const pair of open.values()) pair.cut = true
    },
    async close() {
      for (const [client, { upstream }] of open) {
        client.destroy()
        upstream.destroy()
      }
      await new Promise(resolve => server.close(resolve))
    },
  }
}
