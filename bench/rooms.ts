// Rooms at scale: create many rooms, then fire bursts of concurrent room-list requests (half over
// HTTP, half as the socket `room list` event) while /api/health is polled one request after
// another. Reports health latency (p50/p99/max) during the bursts, room-list latency, and the
// app's resident memory (VmRSS from /proc/<pid>/status) before and after the bursts.
//   node bench/rooms.ts [--rooms 1000] [--concurrency 50] [--rounds 10] [--profile] [--smoke]
// --profile writes the app's CPU profile under bench/results/profiles/rooms-<time>/ (read it with
// `npm run bench:profile -- <dir>`).
import { readFileSync } from 'node:fs'
import { io, type Socket } from 'socket.io-client'
import { args, log, main, num, valued } from './lib/cli.ts'
import { procSample } from './lib/proc.ts'
import { report, RESULTS_DIR, table } from './lib/results.ts'
import { app, database } from './lib/services.ts'
import { percentile, round } from './lib/stats.ts'

const { smoke, values } = args({
  ...valued('rooms', 'concurrency', 'rounds'),
  profile: { type: 'boolean', default: false },
})
const roomCount = num(values.rooms, smoke ? 30 : 1000)
const concurrency = num(values.concurrency, smoke ? 6 : 50)
const rounds = num(values.rounds, smoke ? 2 : 10)

/** Resident memory of a process in MB, as the kernel reports it. */
function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find(l => l.startsWith('VmRSS:'))!
  return round(Number(line.split(/\s+/)[1]) / 1024, 1)
}

async function register(url: string, username: string): Promise<string> {
  const response = await fetch(`${url}/api/auth/register`, {
    method: 'POST',
    headers: { 'origin': url, 'content-type': 'application/json', 'accept': 'application/json' },
    body: JSON.stringify({ username, password: 'bench-password-1' }),
  })
  if (response.status !== 201) throw new Error(`register answered ${response.status}: ${await response.text()}`)
  return response.headers.getSetCookie().map(c => c.split(';')[0]).join('; ')
}

async function createRooms(url: string, cookie: string, count: number): Promise<void> {
  let next = 0
  const worker = async () => {
    while (next < count) {
      const i = next++
      const response = await fetch(`${url}/api/rooms`, {
        method: 'POST',
        headers: { 'origin': url, 'content-type': 'application/json', 'accept': 'application/json', cookie },
        body: JSON.stringify({ id: `bench-${String(i).padStart(5, '0')}`, name: `Bench room ${i}`, topic: 'Created by bench/rooms.ts' }),
      })
      if (response.status !== 201) throw new Error(`room ${i}: ${response.status} ${await response.text()}`)
    }
  }
  await Promise.all(Array.from({ length: 8 }, worker))
}

function signedInSocket(url: string, cookie: string): Promise<Socket> {
  const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: { origin: url, cookie } })
  return new Promise((resolve, reject) => {
    socket.once('login', () => resolve(socket))
    socket.once('connect_error', reject)
  })
}

function socketRoomList(socket: Socket): Promise<number> {
  return new Promise((resolve, reject) => {
    socket.timeout(30_000).emit('room list', (timeout: Error | null, error: string | null, rooms: unknown[]) => {
      if (timeout || error) reject(new Error(`room list: ${timeout?.message ?? error}`))
      else resolve(rooms.length)
    })
  })
}

async function httpRoomList(url: string, cookie: string): Promise<number> {
  const response = await fetch(`${url}/api/rooms`, { headers: { accept: 'application/json', cookie } })
  if (response.status !== 200) throw new Error(`GET /api/rooms answered ${response.status}`)
  return ((await response.json()) as { rooms: unknown[] }).rooms.length
}

let healthErrors = 0

/** Polls /api/health one request after another until `stop` resolves; returns each latency. */
async function pollHealth(url: string, stop: Promise<unknown>): Promise<number[]> {
  const latencies: number[] = []
  let done = false
  void stop.finally(() => { done = true })
  while (!done) {
    const started = performance.now()
    try {
      const response = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(30_000) })
      await response.arrayBuffer()
      if (!response.ok) healthErrors++
    }
    catch {
      // An instance that stops answering is the failure this measures: count it, keep polling.
      healthErrors++
    }
    latencies.push(performance.now() - started)
  }
  return latencies
}

main('rooms', (smoke ? 2 : 8) * 60_000, async () => {
  const db = await database()
  const profileDir = values.profile ? `${RESULTS_DIR}/profiles/rooms-${Date.now()}` : null
  const server = await app({ dynamodbEndpoint: db.endpoint, env: { ROOMS_PER_HOUR: '1000000', ...(profileDir ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profileDir}` } : {}) } })
  const run = Date.now().toString(36)
  const creator = await register(server.url, `bench-creator-${run}`)
  const createStarted = performance.now()
  await createRooms(server.url, creator, roomCount)
  log(`created ${roomCount} rooms in ${Math.round(performance.now() - createStarted)} ms`)

  // Half the listings over HTTP as accounts (read markers, memberships), half over sockets.
  const httpCookies = await Promise.all(Array.from({ length: Math.ceil(concurrency / 2) }, (_, i) => register(server.url, `bench-reader-${run}-${i}`)))
  const sockets = await Promise.all(Array.from({ length: Math.floor(concurrency / 2) }, (_, i) => register(server.url, `bench-socket-${run}-${i}`).then(c => signedInSocket(server.url, c))))
  const rssBefore = rssMb(server.pid)
  const cpuBefore = procSample(server.pid)

  const httpLatencies: number[] = []
  const socketLatencies: number[] = []
  const healthLatencies: number[] = []
  let listed = 0
  let errors = 0
  const rssByRound: number[] = []
  for (let r = 0; r < rounds; r++) {
    const timed = async (list: () => Promise<number>, into: number[]) => {
      const started = performance.now()
      try {
        listed = Math.max(listed, await list())
        into.push(performance.now() - started)
      }
      catch (error) {
        errors++
        log(String(error))
      }
    }
    const burst = Promise.all([
      ...httpCookies.map(cookie => timed(() => httpRoomList(server.url, cookie), httpLatencies)),
      ...sockets.map(socket => timed(() => socketRoomList(socket), socketLatencies)),
    ])
    healthLatencies.push(...await pollHealth(server.url, burst))
    rssByRound.push(rssMb(server.pid))
  }
  const cpuAfter = procSample(server.pid)
  for (const socket of sockets) socket.close()
  const rssAfter = server.running.process.exitCode === null ? rssMb(server.pid) : -1
  if (profileDir) {
    // The profile is written when the process exits.
    await server.stop()
    log(`CPU profile of the app in ${profileDir}`)
  }

  const stats = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b)
    return { p50: round(percentile(sorted, 50), 1), p99: round(percentile(sorted, 99), 1), max: round(sorted.at(-1) ?? 0, 1), n: sorted.length }
  }
  const summary = {
    rooms: roomCount,
    concurrent: concurrency,
    rounds,
    roomsPerListing: listed,
    errors,
    healthErrors,
    healthMs: stats(healthLatencies),
    httpListMs: stats(httpLatencies),
    socketListMs: stats(socketLatencies),
    /** The app's CPU time during the bursts divided by the listings served. */
    cpuMsPerListing: round(1000 * (cpuAfter.cpu - cpuBefore.cpu) / Math.max(1, httpLatencies.length + socketLatencies.length), 2),
    rssBeforeMb: rssBefore,
    rssAfterMb: rssAfter,
    /** After each burst: a leak climbs round after round, a warm-up levels off. */
    rssByRoundMb: rssByRound,
  }
  log(table([
    { what: 'GET /api/health during bursts', ...summary.healthMs },
    { what: 'GET /api/rooms', ...summary.httpListMs },
    { what: 'socket room list', ...summary.socketListMs },
  ]))
  log(`RSS after each burst (MB): ${rssByRound.join(' ')}`)
  log(`app CPU ${summary.cpuMsPerListing} ms per listing; RSS ${rssBefore} MB before the bursts, ${rssAfter} MB after; ${listed} rooms per listing; ${errors} listing errors, ${healthErrors} health errors`)
  report('rooms', { summary })
})
