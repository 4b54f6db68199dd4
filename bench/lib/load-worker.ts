// One load-generator process (forked by bench/lib/load.ts): owns a share of the Socket.io clients,
// sends open-loop on a fixed schedule, timestamps each message in its text and records delivery
// latency in a histogram. Talks to the parent over IPC only.
//
// The clients speak the Socket.io protocol (Engine.IO 4 over a websocket, Socket.IO 5 packets) over a
// plain TCP socket with a minimal websocket framing of their own, and read a 'new message' event's
// text straight from the frame bytes without decoding the packet. With socket.io-client (and with
// Node's built-in WebSocket) the 4 client processes needed more CPU than the server they measured,
// which on 2 cores made the load generator the bottleneck (p99 > 100 ms at 700 msg/s, bare server).
import { connect as tcpConnect, type Socket as TcpSocket } from 'node:net'
import { randomBytes } from 'node:crypto'

/** A Socket.IO acknowledgement in the app's node style. */
type Ack = (error: string | null, result?: unknown) => void

const NEW_MESSAGE = Buffer.from('42["new message"')
// A thread reply comes to the room as its own event (bench/fanout.ts --replies).
const THREAD_REPLY = Buffer.from('42["thread reply"')
const TEXT_MARK = Buffer.from('"text":"bench:')
const EMPTY = Buffer.alloc(0)

/** A minimal Socket.io client: connect to the main namespace, emit with acks, receive 'new message'. */
class Socket {
  tcp: TcpSocket
  connected = false
  private ackId = 0
  private acks = new Map<number, Ack>()
  private ready: Promise<void>
  private buffer: Buffer = EMPTY
  private upgraded = false
  private fragments: Buffer[] = []
  onNewMessage: (text: string) => void = () => {}
  onDisconnect: () => void = () => {}
  private closing = false

  constructor(url: string, origin: boolean) {
    const { hostname, port } = new URL(url)
    this.tcp = tcpConnect({ host: hostname, port: Number(port), noDelay: true })
    this.ready = new Promise<void>((resolve, reject) => {
      this.tcp.once('connect', () => {
        this.tcp.write(`GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: ${hostname}:${port}\r\n`
          + `Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\n`
          + `Sec-WebSocket-Version: 13\r\n${origin ? `Origin: ${url}\r\n` : ''}\r\n`)
      })
      this.tcp.on('error', (error) => {
        if (!this.connected) reject(new Error(`tcp: ${error.message}`))
      })
      this.tcp.on('close', () => {
        if (!this.connected) reject(new Error('closed before connecting'))
        else if (!this.closing) this.onDisconnect()
        this.connected = false
      })
      this.tcp.on('data', (chunk: Buffer) => {
        bytesIn += chunk.length
        this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk
        if (!this.upgraded) {
          const end = this.buffer.indexOf('\r\n\r\n')
          if (end === -1) return
          const status = this.buffer.toString('latin1', 0, 12)
          if (status !== 'HTTP/1.1 101') {
            reject(new Error(`upgrade refused: ${this.buffer.toString('latin1', 0, this.buffer.indexOf('\r\n'))}`))
            this.tcp.destroy()
            return
          }
          this.upgraded = true
          this.buffer = this.buffer.subarray(end + 4)
        }
        this.readFrames(resolve, reject)
      })
    })
  }

  private readFrames(resolve: () => void, reject: (e: Error) => void): void {
    const buf = this.buffer
    let offset = 0
    while (buf.length - offset >= 2) {
      const b0 = buf[offset]!
      const opcode = b0 & 0x0f
      let length = buf[offset + 1]! & 0x7f
      let header = 2
      if (length === 126) {
        if (buf.length - offset < 4) break
        length = buf.readUInt16BE(offset + 2)
        header = 4
      }
      else if (length === 127) {
        if (buf.length - offset < 10) break
        length = Number(buf.readBigUInt64BE(offset + 2))
        header = 10
      }
      if (buf.length - offset < header + length) break
      const payload = buf.subarray(offset + header, offset + header + length)
      offset += header + length
      if (opcode === 0x9) this.frame(0xa, payload) // ping → pong
      else if (opcode === 0x8) this.tcp.end()
      else if (opcode === 0x1 || opcode === 0x0) {
        if (!(b0 & 0x80)) {
          this.fragments.push(Buffer.from(payload))
          continue
        }
        const whole = this.fragments.length ? Buffer.concat([...this.fragments.splice(0), payload]) : payload
        this.packet(whole, resolve, reject)
      }
    }
    this.buffer = offset >= buf.length ? EMPTY : buf.subarray(offset)
  }

  private packet(payload: Buffer, resolve: () => void, reject: (e: Error) => void): void {
    // Fast path: 42["new message",{…"content":{"text":"bench:<sender>:<seq>:<µs>:…"}}]
    const starts = (prefix: Buffer) => payload.length > prefix.length && payload.compare(prefix, 0, prefix.length, 0, prefix.length) === 0
    if (starts(NEW_MESSAGE) || starts(THREAD_REPLY)) {
      const at = payload.indexOf(TEXT_MARK)
      const start = at + 8
      if (at === -1) this.onNewMessage(payload.toString('utf8', payload.indexOf('"text":"') + 8, payload.length - 4))
      else this.onNewMessage(payload.toString('latin1', start, Math.min(payload.length, start + 48)))
      return
    }
    const data = payload.toString('utf8')
    const type = data.charCodeAt(0)
    if (type === 52 /* 4: message */) {
      const kind = data.charCodeAt(1)
      if (kind === 51 /* 3: ack */) {
        const bracket = data.indexOf('[')
        const id = Number(data.slice(2, bracket))
        const ack = this.acks.get(id)
        if (ack) {
          this.acks.delete(id)
          const [error, result] = JSON.parse(data.slice(bracket)) as [string | null, unknown]
          ack(error, result)
        }
      }
      else if (kind === 48 /* 0: connect */) {
        this.connected = true
        resolve()
      }
      else if (kind === 52 /* 4: connect error */) reject(new Error(`connect_error ${data.slice(2)}`))
    }
    else if (type === 50 /* 2: ping */) this.send('3')
    else if (type === 48 /* 0: open */) this.send('40')
  }

  /** A client frame must be masked; an all-zero mask key is valid and leaves the payload as is. */
  private frame(opcode: number, payload: Buffer): void {
    const length = payload.length
    const header = Buffer.alloc(length < 126 ? 6 : length < 65536 ? 8 : 14)
    header[0] = 0x80 | opcode
    if (length < 126) header[1] = 0x80 | length
    else if (length < 65536) {
      header[1] = 0x80 | 126
      header.writeUInt16BE(length, 2)
    }
    else {
      header[1] = 0x80 | 127
      header.writeBigUInt64BE(BigInt(length), 2)
    }
    this.tcp.write(Buffer.concat([header, payload]))
  }

  send(text: string): void {
    this.frame(0x1, Buffer.from(text))
  }

  connect(timeoutMs: number): Promise<void> {
    return withTimeout(this.ready, timeoutMs, 'connect')
  }

  emit(event: string, payload: unknown[], ack: Ack): void {
    const id = ++this.ackId
    this.acks.set(id, ack)
    this.send(`42${id}${JSON.stringify([event, ...payload])}`)
  }

  close(): void {
    this.closing = true
    this.tcp.end()
    setTimeout(() => this.tcp.destroy(), 1000).unref()
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms) }),
  ])
}

const BUCKET_US = 100 // histogram resolution: 0.1 ms
const BUCKETS = 50_000 // up to 5 s; later deliveries land in the last bucket (max is kept exactly)

class Histogram {
  counts = new Uint32Array(BUCKETS)
  count = 0
  max = 0
  sum = 0
  add(us: number): void {
    const v = us < 0 ? 0 : us
    this.counts[Math.min(BUCKETS - 1, Math.floor(v / BUCKET_US))]!++
    this.count++
    this.sum += v
    if (v > this.max) this.max = v
  }

  sparse(): [number, number][] {
    const out: [number, number][] = []
    for (let i = 0; i < BUCKETS; i++) if (this.counts[i]) out.push([i, this.counts[i]!])
    return out
  }
}

interface Client {
  gid: number
  socket: Socket
  lastSeq: Map<number, number>
}

const clients: Client[] = []
let deliveries = new Histogram()
let acks = new Histogram()
let received = new Map<number, number>()
let outOfOrder = 0
let duplicates = 0
let selfDeliveries = 0
let foreign = 0
let disconnects = 0
/** Every byte the server sent to this process's sockets (what a broadcast costs to deliver). */
let bytesIn = 0

function nowUs(): number {
  return Number(process.hrtime.bigint() / 1000n)
}

function send(message: Record<string, unknown>): void {
  process.send!(message)
}

function onMessage(client: Client, text: string): void {
  const at = nowUs()
  if (!text.startsWith('bench:')) {
    foreign++
    return
  }
  const [, s, q, t] = text.split(':')
  const sender = Number(s)
  const seq = Number(q)
  if (sender === client.gid) {
    selfDeliveries++
    return
  }
  deliveries.add(at - Number(t))
  received.set(sender, (received.get(sender) ?? 0) + 1)
  const last = client.lastSeq.get(sender) ?? -1
  if (seq === last) duplicates++
  else if (seq < last) outOfOrder++
  else client.lastSeq.set(sender, seq)
}

async function pool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!)
  }))
}

/** Emits with a Node-style ack `(err, result)` and a timeout; rejects on either failure. */
function ackOf(socket: Socket, timeoutMs: number, event: string, ...payload: unknown[]): Promise<unknown> {
  return withTimeout(new Promise((resolve, reject) => {
    socket.emit(event, payload, (error: string | null, result: unknown) => {
      if (error) reject(new Error(`${event}: ${error}`))
      else resolve(result)
    })
  }), timeoutMs, event)
}

interface ConnectCommand {
  urls: string[]
  first: number
  count: number
  origin?: boolean
  signIn: boolean
  join?: string
  concurrency: number
  timeoutMs: number
}

async function connect(cmd: ConnectCommand) {
  const started = performance.now()
  const errors: string[] = []
  const ids = Array.from({ length: cmd.count }, (_, i) => cmd.first + i)
  await pool(ids, cmd.concurrency, async (gid) => {
    const url = cmd.urls[gid % cmd.urls.length]!
    const socket = new Socket(url, Boolean(cmd.origin))
    const client: Client = { gid, socket, lastSeq: new Map() }
    try {
      await socket.connect(cmd.timeoutMs)
      if (cmd.signIn) {
        await ackOf(socket, cmd.timeoutMs, 'anonymous user')
      }
      if (cmd.join) {
        await ackOf(socket, cmd.timeoutMs, 'join room', cmd.join)
      }
      socket.onNewMessage = text => onMessage(client, text)
      socket.onDisconnect = () => { disconnects++ }
      clients.push(client)
    }
    catch (error) {
      errors.push((error as Error).message)
      socket.close()
    }
  })
  return { connected: clients.length, errors: errors.length, firstErrors: [...new Set(errors)].slice(0, 3), ms: Math.round(performance.now() - started) }
}

interface SendCommand {
  senders: number[]
  rate: number
  durationMs: number
  room: string
  textBytes: number
  drainMs: number
  /** Every `replyEvery`-th message goes to this parent's thread. */
  thread?: string
  replyEvery?: number
}

let sequence = 0

interface EmitCommand {
  /** The clients (global ids) that emit, one after another. */
  gids: number[]
  event: string
  payload: unknown[]
  /** Wait for each acknowledgement before the next emit. */
  ack: boolean
  timeoutMs: number
}

/** One event from each of these clients in turn (presence and typing costs, in bench/bigroom.ts). */
async function emitFrom(cmd: EmitCommand) {
  let emitted = 0
  const errors: string[] = []
  for (const gid of cmd.gids) {
    const client = clients.find(c => c.gid === gid)
    if (!client) continue
    if (cmd.ack) {
      await ackOf(client.socket, cmd.timeoutMs, cmd.event, ...cmd.payload).catch((error: Error) => { errors.push(error.message) })
    }
    else {
      client.socket.send(`42${JSON.stringify([cmd.event, ...cmd.payload])}`)
    }
    emitted++
  }
  return { emitted, errors: errors.length, firstErrors: [...new Set(errors)].slice(0, 3) }
}

async function sendLoad(cmd: SendCommand) {
  const owned = cmd.senders.map(gid => clients.find(c => c.gid === gid)).filter((c): c is Client => Boolean(c))
  const perSender = Math.floor(cmd.durationMs * cmd.rate / 1000)
  const sent = owned.map(() => 0)
  const acked = new Map<number, number>()
  let ackErrors = 0
  let pending = 0
  let maxLagMs = 0
  const firstAckErrors = new Set<string>()
  const start = performance.now()
  const interval = 1000 / cmd.rate
  // Senders are spread evenly over one interval so they do not fire in lockstep.
  const phase = owned.map((_, i) => interval * i / Math.max(1, owned.length))
  const pad = 'x'.repeat(Math.max(0, cmd.textBytes - 40))
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now()
      let done = true
      for (let i = 0; i < owned.length; i++) {
        const client = owned[i]!
        const due = Math.min(perSender, Math.floor((now - start - phase[i]!) / interval) + 1)
        // Open loop: send whatever is due now, without waiting for earlier acks.
        while (sent[i]! < due) {
          const scheduled = start + phase[i]! + sent[i]! * interval
          maxLagMs = Math.max(maxLagMs, now - scheduled)
          sent[i]!++
          pending++
          const ts = nowUs()
          const text = `bench:${client.gid}:${++sequence}:${ts}:${pad}`
          const reply = cmd.thread && cmd.replyEvery && sequence % cmd.replyEvery === 0 ? { thread: cmd.thread } : {}
          client.socket.emit('new message', [{ room: cmd.room, message: text, ...reply }], (error: string | null) => {
            pending--
            acks.add(nowUs() - ts)
            if (error) {
              ackErrors++
              if (firstAckErrors.size < 3) firstAckErrors.add(String(error))
            }
            else acked.set(client.gid, (acked.get(client.gid) ?? 0) + 1)
          })
        }
        if (sent[i]! < perSender) done = false
      }
      if (done) resolve()
      else setTimeout(tick, 1)
    }
    tick()
  })
  const sendMs = performance.now() - start
  const drainDeadline = performance.now() + cmd.drainMs
  while (pending > 0 && performance.now() < drainDeadline) await new Promise(resolve => setTimeout(resolve, 10))
  return {
    sent: sent.reduce((a, b) => a + b, 0),
    acked: [...acked],
    ackErrors,
    firstAckErrors: [...firstAckErrors],
    unacked: pending,
    maxLagMs: Math.round(maxLagMs),
    sendMs: Math.round(sendMs),
  }
}

export type Snapshot = ReturnType<typeof snapshot>

function snapshot(reset: boolean) {
  const result = {
    deliveries: { hist: deliveries.sparse(), count: deliveries.count, max: deliveries.max, sum: deliveries.sum },
    acks: { hist: acks.sparse(), count: acks.count, max: acks.max, sum: acks.sum },
    received: [...received],
    outOfOrder,
    duplicates,
    selfDeliveries,
    foreign,
    disconnects,
    connected: clients.filter(c => c.socket.connected).length,
  }
  if (reset) {
    deliveries = new Histogram()
    acks = new Histogram()
    received = new Map()
    outOfOrder = duplicates = selfDeliveries = foreign = 0
  }
  return result
}

process.on('message', async (message: { id: number, cmd: string } & Record<string, unknown>) => {
  try {
    let result: unknown
    if (message.cmd === 'connect') result = await connect(message as unknown as ConnectCommand)
    else if (message.cmd === 'send') result = await sendLoad(message as unknown as SendCommand)
    else if (message.cmd === 'snapshot') result = snapshot(Boolean(message.reset))
    else if (message.cmd === 'count') result = { received: [...received.values()].reduce((a, b) => a + b, 0), bytesIn }
    else if (message.cmd === 'emit') result = await emitFrom(message as unknown as EmitCommand)
    else if (message.cmd === 'close') {
      for (const c of clients) c.socket.close()
      result = { closed: clients.length }
      send({ id: message.id, result })
      setTimeout(() => process.exit(0), 100)
      return
    }
    else throw new Error(`unknown command ${message.cmd}`)
    send({ id: message.id, result })
  }
  catch (error) {
    send({ id: message.id, error: (error as Error).message })
  }
})

// The parent going away ends this worker too.
process.on('disconnect', () => process.exit(0))
