// The reference for the fan-out and idle benchmarks: a bare Socket.io server with the same protocol
// shape as the app for what the benchmarks use, and nothing else — no storage, no sessions, no checks
// beyond "signed in". `node bench/bare-server.ts --port 0` prints {"url": …} on stdout when listening.
// With `--dynamodb-endpoint URL` it is the persistence floor instead: every message is first stored
// with one awaited PutItem through the app's own DynamoDB client configuration (createDatabase), no
// batching, and only then acknowledged and relayed, in each sender's order — the least any server
// that persists before it relays must do.
//   'anonymous user' (ack)            → ack(null, {username, avatar}); joins the default rooms
//   'join room' (room, ack)           → joins, ack(null, {members: []})
//   'new message' ({room, message}, ack) → ack(null, message), socket.to(room).emit('new message', …)
import { randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { parseArgs } from 'node:util'
import { PutCommand } from '@aws-sdk/lib-dynamodb'
import { Server } from 'socket.io'
import type { WireMessage } from '../shared/types/socket.ts'
import { createDatabase } from '../server/storage/database.ts'
import { APP_TABLES } from './lib/tables.ts'

const { values } = parseArgs({ options: { 'port': { type: 'string', default: '0' }, 'host': { type: 'string', default: '127.0.0.1' }, 'dynamodb-endpoint': { type: 'string' } } })
const DEFAULT_ROOMS = ['general', 'fargate', 'lambda', 'ecs']

// The floor: the app's table names and client settings, pointed at the benchmark's database.
const endpoint = values['dynamodb-endpoint']
const db = endpoint ? createDatabase({ region: 'us-east-1', endpoint, tables: APP_TABLES }) : undefined

const http = createServer((_req, res) => {
  res.writeHead(404).end()
})
const io = new Server(http, { transports: ['websocket'], serveClient: false })

let guests = 0
let lastTime = 0

io.on('connection', (socket) => {
  let user: { username: string, avatar: string } | undefined

  socket.on('anonymous user', (ack: unknown) => {
    if (typeof ack !== 'function') return
    user = { username: `guest-${++guests}`, avatar: '/api/avatars/guest' }
    socket.join(DEFAULT_ROOMS)
    ack(null, user)
  })

  socket.on('join room', (room: unknown, ack: unknown) => {
    if (!user || typeof room !== 'string') return typeof ack === 'function' && ack('Sign in first')
    socket.join(room)
    if (typeof ack === 'function') ack(null, { members: [] })
  })

  // The floor's writes run concurrently, but each socket's acks and relays keep its order (as the
  // app's must: a chat that reorders one person's messages is not a floor worth comparing with).
  let previous: Promise<unknown> = Promise.resolve()
  socket.on('new message', (payload: { room?: unknown, message?: unknown }, ack: unknown) => {
    if (typeof ack !== 'function') return
    if (!user) return ack('Sign in first')
    if (typeof payload?.room !== 'string' || typeof payload.message !== 'string') return ack('Invalid message')
    const time = Math.max(Date.now(), lastTime + 1)
    lastTime = time
    const message: WireMessage = {
      room: payload.room,
      message: `${String(time).padStart(13, '0')}:${randomBytes(8).toString('hex')}`,
      username: user.username,
      avatar: user.avatar,
      time,
      content: { text: payload.message },
    }
    const relay = () => {
      ack(null, message)
      socket.to(message.room).emit('new message', message)
    }
    if (!db) return relay()
    const { message: id, ...rest } = message
    const stored = db.doc.send(new PutCommand({ TableName: db.tables.messages, Item: { ...rest, message: id } }))
    previous = Promise.all([stored, previous]).then(relay, (error: Error) => ack(error.message))
  })
})

http.listen(Number(values.port), values.host, () => {
  const { port } = http.address() as AddressInfo
  process.stdout.write(`${JSON.stringify({ url: `http://${values.host}:${port}` })}\n`)
})

const stop = () => {
  setTimeout(() => process.exit(0), 2000).unref()
  io.close(() => process.exit(0))
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
