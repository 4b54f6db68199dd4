// Pages and history: requests/s and latency for the server-rendered room page and the history API,
// with a static asset measured in the same run as the reference. Closed loop: C connections over
// keep-alive, each sending its next request when the previous answer is read, for a fixed time.
//   node bench/pages.ts [--concurrency 20] [--seconds 10] [--messages 50] [--output DIR] [--profile] [--smoke]
// --profile writes the app's CPU profile under bench/results/profiles/ (summarise with bench/profile-summary.ts);
// --only KEY[,KEY] measures those endpoints alone (e.g. --only /rooms/general --profile for the page's own profile).
import { Agent, request } from 'node:http'
import { args, log, main, num, valued } from './lib/cli.ts'
import { cpuPercent, procSample } from './lib/proc.ts'
import { report, RESULTS_DIR, table } from './lib/results.ts'
import { app, database, requireBuild } from './lib/services.ts'
import { percentile, round } from './lib/stats.ts'
import { readerWithSidebar, seed } from './lib/session.ts'

const { smoke, values } = args({
  ...valued('concurrency', 'seconds', 'messages', 'output', 'only'),
  profile: { type: 'boolean', default: false },
})
const concurrency = num(values.concurrency, smoke ? 4 : 20)
const durationMs = num(values.seconds, smoke ? 1 : 10) * 1000
const messages = num(values.messages, smoke ? 5 : 50)

/** `key` names the endpoint in the summary (the path, or the path and a variant). */
interface Endpoint { name: string, key: string, path: string, headers: Record<string, string> }

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

/** The median time until the response's headers arrive, over sequential requests on one connection. */
async function timeToFirstByte(url: string, endpoint: Endpoint): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  const { hostname, port } = new URL(url)
  const times: number[] = []
  for (let i = 0; i < (smoke ? 5 : 50); i++) {
    const started = performance.now()
    await new Promise<void>((resolve, reject) => {
      request({ host: hostname, port, path: endpoint.path, agent, headers: endpoint.headers }, (res) => {
        times.push(performance.now() - started)
        res.resume()
        res.on('end', resolve)
      }).on('error', reject).end()
    })
  }
  agent.destroy()
  return round(percentile(times.sort((a, b) => a - b), 50), 1)
}

main('pages', smoke ? 60_000 : 5 * 60_000, async () => {
  // --output DIR runs another build (e.g. a copy of an older .output) for before/after in one session.
  const outputDir = typeof values.output === 'string' ? values.output : requireBuild()
  const db = await database()
  const profileDir = values.profile ? `${RESULTS_DIR}/profiles/${new Date().toISOString().replace(/[:.]/g, '-')}/pages` : undefined
  const server = await app({ dynamodbEndpoint: db.endpoint, outputDir, ...(profileDir ? { env: { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profileDir}` } } : {}) })
  const url = server.url
  // The room page as a member of a working team opens it: 50 messages, 20 rooms in the sidebar,
  // six of them with unread messages.
  const sidebar = { rooms: smoke ? 6 : 20, unreadRooms: smoke ? 2 : 6, unreadEach: 3 }
  const cookie = await readerWithSidebar(url, sidebar)
  await seed(url, 'general', messages)
  const all: Endpoint[] = [
    { name: 'static /favicon.svg (reference)', key: '/favicon.svg', path: '/favicon.svg', headers: {} },
    { name: `GET /api/rooms/general/messages (${messages} msgs)`, key: '/api/rooms/general/messages', path: '/api/rooms/general/messages', headers: { cookie, accept: 'application/json' } },
    // Server rendering with no data: the in-run reference for the room page.
    { name: 'SSR /login (reference)', key: '/login', path: '/login', headers: { accept: 'text/html' } },
    { name: 'SSR /rooms/general', key: '/rooms/general', path: '/rooms/general', headers: { cookie, accept: 'text/html' } },
    // As a browser asks for it: what compressing the HTML costs.
    { name: 'SSR /rooms/general, compressed', key: '/rooms/general br', path: '/rooms/general', headers: { cookie, 'accept': 'text/html', 'accept-encoding': 'gzip, deflate, br' } },
  ]
  const only = typeof values.only === 'string' ? new Set(values.only.split(',')) : null
  const endpoints = only ? all.filter(e => only.has(e.key)) : all
  log(`pages: ${concurrency} keep-alive connections, ${durationMs / 1000} s per endpoint, app ${url}`)
  const results = []
  for (const endpoint of endpoints) {
    await load(url, endpoint, smoke ? 200 : 1000) // warm-up
    const a = procSample(server.pid)
    const d = procSample(db.pid)
    const r = await load(url, endpoint, durationMs)
    const serverCpu = cpuPercent(a, procSample(server.pid))
    const dbCpu = cpuPercent(d, procSample(db.pid))
    results.push({ endpoint: endpoint.name, key: endpoint.key, path: endpoint.path, ...r, serverCpuPercent: serverCpu, dynaliteCpuPercent: dbCpu })
  }
  log(table(results.map(r => ({ 'endpoint': r.endpoint, 'rps': r.rps, 'p50 ms': r.p50, 'p99 ms': r.p99, 'max ms': r.max, 'status': JSON.stringify(r.statuses), 'errors': r.errors, 'bytes': r.bytesPerResponse, 'app cpu%': r.serverCpuPercent, 'db cpu%': r.dynaliteCpuPercent }))))
  // Time to first byte one request at a time (concurrency 1): the room page against the history API.
  const firstByte = { page: await timeToFirstByte(url, all.find(e => e.key === '/rooms/general')!), history: await timeToFirstByte(url, all.find(e => e.key === '/api/rooms/general/messages')!) }
  log(`time to first byte at concurrency 1 (p50): room page ${firstByte.page} ms, history API ${firstByte.history} ms (${round(firstByte.page / firstByte.history, 2)}×)`)
  await server.stop()
  if (profileDir) log(`CPU profile under ${profileDir} (summarise with: node bench/profile-summary.ts ${profileDir})`)
  const staticRps = results.find(r => r.key === '/favicon.svg')?.rps ?? 0
  const loginRps = results.find(r => r.key === '/login')?.rps ?? 0
  const ratio = (rps: number, reference: number) => reference ? round(rps / reference, 3) : null
  const summary = Object.fromEntries(results.map(r => [r.key, { rps: r.rps, p99: r.p99, vsStatic: ratio(r.rps, staticRps), vsLogin: ratio(r.rps, loginRps), ok: r.errors === 0 && Object.keys(r.statuses).every(s => s === '200') }]))
  report('pages', { config: { concurrency, durationMs, messages, sidebar, smoke }, summary: { ...summary, firstByteMs: { ...firstByte, ratio: round(firstByte.page / firstByte.history, 2) } }, results })
})
