import { once } from 'node:events'
import { createServer } from 'node:http'
import type { AddressInfo, Socket as NetSocket } from 'node:net'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { Server, type Socket } from 'socket.io'
import { io as connect, type Socket as ClientSocket } from 'socket.io-client'
import { coalesceFrames } from '../../server/socket/frame-coalescing.ts'

/** The server side's TCP socket under a Socket.io connection (engine.io's private API, as the patch uses it). */
type Internals = { conn: { transport: { socket: { _socket: NetSocket & { _writev: NetSocket['_writev'], _write: NetSocket['_write'] } } } } }

const http = createServer()
const io = new Server(http, { transports: ['websocket'] })
let client: ClientSocket
let socket: Socket

beforeAll(async () => {
  coalesceFrames()
  http.listen(0, '127.0.0.1')
  await once(http, 'listening')
  const joined = once(io, 'connection')
  client = connect(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, { transports: ['websocket'] })
  ;[socket] = await joined as [Socket]
  if (!client.connected) await new Promise(resolve => client.once('connect', () => resolve(undefined)))
})
afterAll(async () => {
  client.close()
  await io.close()
})

/** Counts the writes that reach the kernel from the server's side of the connection. */
function countWrites(): () => number {
  const raw = (socket as unknown as Internals).conn.transport.socket._socket
  let writes = 0
  const [writev, write] = [raw._writev!.bind(raw), raw._write.bind(raw)]
  raw._writev = (chunks, callback) => (writes++, writev(chunks, callback))
  raw._write = (chunk, encoding, callback) => (writes++, write(chunk, encoding, callback))
  return () => writes
}

function received(count: number): Promise<number[]> {
  const seen: number[] = []
  return new Promise((resolve) => {
    const listener = (n: number) => {
      seen.push(n)
      if (seen.length < count) return
      client.off('n', listener)
      resolve(seen)
    }
    client.on('n', listener)
  })
}

it('writes the frames a socket is given in one turn of the event loop in two writes to the kernel, not one each, in order', async () => {
  const writes = countWrites()
  const all = received(20)
  for (let n = 0; n < 20; n++) socket.emit('n', n)
  // The first frame goes at the end of the turn; engine.io holds the rest until it is written, and
  // they leave together when the window ends.
  expect(await all).toEqual(Array.from({ length: 20 }, (_, n) => n))
  expect(writes()).toBe(2)

  const next = received(10)
  for (let n = 0; n < 10; n++) socket.emit('n', n)
  expect(await next).toHaveLength(10)
  expect(writes()).toBe(4)
})
