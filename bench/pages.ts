// Pages and history: requests/s and latency for the server-rendered room page and the history API,
// with a static asset measured in the same run as the reference. Closed loop: C connections over
// keep-alive, each sending its next request when the previous answer is read, for a fixed time.
//   node bench/pages.ts [--concurrency 20] [--seconds 10] [--messages 50] [--smoke]
import { Agent, request } from 'node:http'
import { io } from 'socket.io-client'
import { app, args, cpuPercent, database, log, main, num, percentile, procSample, report, requireBuild, round, table } from './lib/common.ts'

const { smoke, values } = args({
  concurrency: { type: 'string' },
  seconds: { type: 'string' },
  messages: { type: 'string' },
})
const concurrency = num(values.concurrency, smoke ? 4 : 20)
const durationMs = num(values.seconds, smoke ? 1 : 10) * 1000
const messages = num(values.messages, smoke ? 5 : 50)

interface Endpoint { name: string, path: string, headers: Record<string, string> }

/** Signs in as a guest over HTTP: the session cookie for the authenticated requests. */
async function guestCookie(url: string): Promise<string> {
  const response = await fetch(`${url}/api/auth/guest`, { method: 'POST', headers: { origin: url, accept: 'application/json' } })
  if (response.status !== 201 && response.status !== 200) throw new Error(`guest sign-in answered ${response.status}: ${await response.text()}`)
  return response.headers.getSetCookie().map(c => c.split(';')[0]).join('; ')
}

/** Puts `count` messages into the room through the app's own socket path, so history has something to return. */
async function seed(url: string, room: string, count: number): Promise<void> {
  const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: { origin: url } })
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve)
      socket.once('connect_error', reject)
    })
    const ack = (event: string, ...payload: unknown[]) => new Promise<unknown>((resolve, reject) => {
      socket.timeout(10_000).emit(event, ...payload, (timeout: Error | null, error: string | null, result: unknown) => {
        if (timeout || error) reject(new Error(`${event}: ${timeout?.message ?? error}`))
        else resolve(result)
      })
    })
    await ack('anonymous user')
    for (let i = 0; i < count; i++) await ack('new message', { room, message: `Seeded message ${i + 1} for the page benchmark: a line of ordinary chat text.` })
  }
  finally {
    socket.close()
  }
}

async function load(url: string, endpoint: Endpoint, ms: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency })
  const { hostname, port } = new URL(url)
  const latencies: number[] = []
  const statuses = new Map<number, number>()
  let bytes = 0
  let errors = 0
  const deadline = performance.now() + ms
  const one = () => new Promise<void>((resolve) => {
    const started = performance.now()
    const req = request({ host: hostname, port, path: endpoint.path, agent, headers: endpoint.headers }, (res) => {
      let size = 0
      res.on('data', (chunk: Buffer) => { size += chunk.length })
      res.on('end', () => {
        latencies.push(performance.now() - started)
        statuses.set(res.statusCode ?? 0, (statuses.get(res.statusCode ?? 0) ?? 0) + 1)
        bytes += size
        resolve()
      })
    })
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')))
    req.on('error', () => {
      errors++
      resolve()
    })
    req.end()
  })
  const started = performance.now()
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < deadline) await one()
  }))
  const elapsed = (performance.now() - started) / 1000
  agent.destroy()
  latencies.sort((a, b) => a - b)
  return {
    requests: latencies.length,
    rps: Math.round(latencies.length / elapsed),
    p50: round(percentile(latencies, 50), 1),
    p99: round(percentile(latencies, 99), 1),
    max: round(latencies.at(-1) ?? 0, 1),
    statuses: Object.fromEntries(statuses),
    errors,
    bytesPerResponse: latencies.length ? Math.round(bytes / latencies.length) : 0,
  }
}

main('pages', smoke ? 60_000 : 5 * 60_000, async () => {
  requireBuild()
  const db = await database()
  const server = await app({ dynamodbEndpoint: db.endpoint })
  const url = server.url
  await seed(url, 'general', messages)
  const cookie = await guestCookie(url)
  const endpoints: Endpoint[] = [
    { name: 'static /favicon.svg (reference)', path: '/favicon.svg', headers: {} },
    { name: `GET /api/rooms/general/messages (${messages} msgs)`, path: '/api/rooms/general/messages', headers: { cookie, accept: 'application/json' } },
    { name: 'SSR /rooms/general', path: '/rooms/general', headers: { cookie, accept: 'text/html' } },
  ]
  log(`pages: ${concurrency} keep-alive connections, ${durationMs / 1000} s per endpoint, app ${url}`)
  const results = []
  for (const endpoint of endpoints) {
    await load(url, endpoint, smoke ? 200 : 1000) // warm-up
    const a = procSample(server.pid)
    const d = procSample(db.pid)
    const r = await load(url, endpoint, durationMs)
    const serverCpu = cpuPercent(a, procSample(server.pid))
    const dbCpu = cpuPercent(d, procSample(db.pid))
    results.push({ endpoint: endpoint.name, path: endpoint.path, ...r, serverCpuPercent: serverCpu, dynaliteCpuPercent: dbCpu })
  }
  log(table(results.map(r => ({ endpoint: r.endpoint, rps: r.rps, 'p50 ms': r.p50, 'p99 ms': r.p99, 'max ms': r.max, status: JSON.stringify(r.statuses), errors: r.errors, bytes: r.bytesPerResponse, 'app cpu%': r.serverCpuPercent, 'db cpu%': r.dynaliteCpuPercent }))))
  const staticRps = results[0]!.rps
  const summary = Object.fromEntries(results.map(r => [r.path, { rps: r.rps, p99: r.p99, vsStatic: staticRps ? round(r.rps / staticRps, 3) : null, ok: r.errors === 0 && Object.keys(r.statuses).every(s => s === '200') }]))
  report('pages', { config: { concurrency, durationMs, messages, smoke }, summary, results })
})
