// The parent side of the load generator: forks the worker processes, shares the clients and senders
// among them, and merges what they report into one fan-out measurement.
import { fork, type ChildProcess } from 'node:child_process'
import { onCleanup, own } from './cli.ts'
import { cpuPercent, machineSample, procSample, type ProcSample } from './proc.ts'
import { ROOT } from '../../test/support/processes.ts'
import type { Service } from './services.ts'
import { round } from './stats.ts'
import type { Snapshot } from './load-worker.ts'

const BUCKET_MS = 0.1

export interface Sparse { hist: [number, number][], count: number, max: number, sum: number }

export interface LatencySummary { count: number, p50: number, p95: number, p99: number, max: number, mean: number }

function mergeHistograms(parts: Sparse[]): Map<number, number> {
  const merged = new Map<number, number>()
  for (const part of parts) for (const [i, c] of part.hist) merged.set(i, (merged.get(i) ?? 0) + c)
  return merged
}

export function summarise(parts: Sparse[]): LatencySummary {
  const merged = [...mergeHistograms(parts)].sort((a, b) => a[0] - b[0])
  const count = parts.reduce((a, p) => a + p.count, 0)
  const max = parts.reduce((a, p) => Math.max(a, p.max), 0) / 1000
  const sum = parts.reduce((a, p) => a + p.sum, 0) / 1000
  const at = (p: number) => {
    if (!count) return 0
    const target = Math.ceil(p / 100 * count)
    let seen = 0
    for (const [i, c] of merged) {
      seen += c
      // Upper edge of the bucket, never above the exact maximum.
      if (seen >= target) return round(Math.min((i + 1) * BUCKET_MS, max), 1)
    }
    return round(max, 1)
  }
  return { count, p50: at(50), p95: at(95), p99: at(99), max: round(max, 1), mean: count ? round(sum / count, 2) : 0 }
}

interface Worker { child: ChildProcess, pending: Map<number, { resolve: (v: unknown) => void, reject: (e: Error) => void }> }

export class LoadGenerator {
  workers: Worker[] = []
  nextId = 0
  clients = 0
  /** Global client ids owned by each worker. */
  owned: number[][] = []

  async start(count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      const child = own(fork(`${ROOT}bench/lib/load-worker.ts`, [], { execPath: process.execPath, stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' }))
      const worker: Worker = { child, pending: new Map() }
      child.on('message', (m: { id: number, result?: unknown, error?: string }) => {
        const p = worker.pending.get(m.id)
        if (!p) return
        worker.pending.delete(m.id)
        if (m.error) p.reject(new Error(m.error))
        else p.resolve(m.result)
      })
      child.on('exit', (code) => {
        for (const p of worker.pending.values()) p.reject(new Error(`load worker exited with ${code}`))
        worker.pending.clear()
      })
      this.workers.push(worker)
    }
    onCleanup(() => this.close())
  }

  call<T = unknown>(worker: Worker, cmd: string, payload: Record<string, unknown> = {}): Promise<T> {
    const id = ++this.nextId
    return new Promise<T>((resolve, reject) => {
      worker.pending.set(id, { resolve: v => resolve(v as T), reject })
      worker.child.send({ id, cmd, ...payload })
    })
  }

  all<T = unknown>(cmd: string, payload: (index: number) => Record<string, unknown> = () => ({})): Promise<T[]> {
    return Promise.all(this.workers.map((w, i) => this.call<T>(w, cmd, payload(i))))
  }

  /** Connects `count` clients spread over the workers; client g uses urls[g % urls.length]. */
  async connect(urls: string[], count: number, options: { signIn?: boolean, join?: string, origin?: boolean, concurrency?: number, timeoutMs?: number } = {}) {
    const share = Math.ceil(count / this.workers.length)
    this.owned = this.workers.map((_, i) => {
      const first = i * share
      return Array.from({ length: Math.max(0, Math.min(share, count - first)) }, (_, k) => first + k)
    })
    const started = performance.now()
    const results = await this.all<{ connected: number, errors: number, firstErrors: string[], ms: number }>('connect', i => ({
      urls,
      first: this.owned[i]![0] ?? 0,
      count: this.owned[i]!.length,
      signIn: options.signIn ?? true,
      join: options.join,
      origin: options.origin ?? true,
      concurrency: options.concurrency ?? 50,
      timeoutMs: options.timeoutMs ?? 15_000,
    }))
    this.clients = results.reduce((a, r) => a + r.connected, 0)
    return {
      connected: this.clients,
      errors: results.reduce((a, r) => a + r.errors, 0),
      firstErrors: [...new Set(results.flatMap(r => r.firstErrors))].slice(0, 3),
      ms: Math.round(performance.now() - started),
    }
  }

  /** Picks `senders` client ids spread evenly over all clients (so over workers and instances). */
  pickSenders(senders: number): number[] {
    const all = this.owned.flat()
    return Array.from({ length: Math.min(senders, all.length) }, (_, k) => all[Math.floor(k * all.length / senders)]!)
  }

  /** Each of `gids` emits `event` once, in turn (with `ack`, waiting for each answer). */
  async emit(gids: number[], event: string, payload: unknown[], ack = true): Promise<{ emitted: number, errors: number, firstErrors: string[] }> {
    const results = await this.all<{ emitted: number, errors: number, firstErrors: string[] }>('emit', i => ({ gids: gids.filter(g => this.owned[i]!.includes(g)), event, payload, ack, timeoutMs: 30_000 }))
    return { emitted: results.reduce((a, r) => a + r.emitted, 0), errors: results.reduce((a, r) => a + r.errors, 0), firstErrors: [...new Set(results.flatMap(r => r.firstErrors))].slice(0, 3) }
  }

  /** Bytes the server has sent to all of this generator's sockets so far. */
  async bytesIn(): Promise<number> {
    return (await this.all<{ bytesIn: number }>('count')).reduce((a, c) => a + c.bytesIn, 0)
  }

  snapshot(reset: boolean) {
    return this.all<Snapshot>('snapshot', () => ({ reset }))
  }

  async close(): Promise<void> {
    const workers = this.workers
    this.workers = []
    await Promise.all(workers.map(w => w.child.exitCode === null
      ? Promise.race([this.call(w, 'close').catch(() => {}), new Promise(r => setTimeout(r, 3000))])
      : undefined))
    for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL')
  }
}

export interface StepOptions {
  /** Total messages per second over all senders. */
  rate: number
  senders: number[]
  durationMs: number
  room: string
  textBytes?: number
  drainMs?: number
  /** Processes whose CPU and RSS are sampled (servers, dynalite, redis). */
  watch: Service[]
  /** Members of the room that should receive each message (all connected clients). */
  members: number
  /** One message in `replyEvery` is a reply in this parent's thread (relayed to the room as `thread reply`). */
  thread?: string
  replyEvery?: number
}

export interface StepResult {
  targetRate: number
  achievedRate: number
  sent: number
  acked: number
  ackErrors: number
  firstAckErrors: string[]
  unacked: number
  expected: number
  received: number
  lost: number
  outOfOrder: number
  duplicates: number
  selfDeliveries: number
  latency: LatencySummary
  ackLatency: LatencySummary
  clientMaxLagMs: number
  disconnects: number
  processes: Record<string, { cpuPercent: number, rssMb: number }>
  ok: boolean
}

/** One fixed-rate open-loop step: send for durationMs, drain, and report deliveries and latency. */
export async function runStep(load: LoadGenerator, options: StepOptions): Promise<StepResult> {
  const perSender = options.rate / options.senders.length
  const bySender = new Set(options.senders)
  await load.snapshot(true)
  const before = new Map(options.watch.map(s => [s.name, procSample(s.pid)]))
  const clientsBefore = load.workers.map(w => procSample(w.child.pid!))
  const machineBefore = machineSample()
  const sendResults = await load.all<{ sent: number, acked: [number, number][], ackErrors: number, firstAckErrors: string[], unacked: number, maxLagMs: number, sendMs: number }>('send', i => ({
    senders: load.owned[i]!.filter(g => bySender.has(g)),
    rate: perSender,
    durationMs: options.durationMs,
    room: options.room,
    textBytes: options.textBytes ?? 100,
    drainMs: options.drainMs ?? 5000,
    ...(options.thread ? { thread: options.thread, replyEvery: options.replyEvery } : {}),
  }))
  const after = new Map(options.watch.map(s => [s.name, procSample(s.pid)]))
  const clientsAfter = load.workers.map(w => procSample(w.child.pid!))
  const machineAfter = machineSample()
  const sent = sendResults.reduce((a, r) => a + r.sent, 0)
  const ackedBySender = new Map<number, number>()
  for (const r of sendResults) for (const [g, c] of r.acked) ackedBySender.set(g, (ackedBySender.get(g) ?? 0) + c)
  const acked = [...ackedBySender.values()].reduce((a, b) => a + b, 0)
  const expected = acked * (options.members - 1)
  // Deliveries may trail the acks: wait (bounded) until every expected delivery has arrived.
  const deadline = performance.now() + (options.drainMs ?? 5000)
  for (;;) {
    const counts = await load.all<{ received: number }>('count')
    const got = counts.reduce((a, c) => a + c.received, 0)
    if (got >= expected || performance.now() > deadline) break
    await new Promise(r => setTimeout(r, 50))
  }
  const snaps = await load.snapshot(true)
  const received = snaps.reduce((a, s) => a + (s.received as [number, number][]).reduce((x, [, c]) => x + c, 0), 0)
  const latency = summarise(snaps.map(s => s.deliveries))
  const ackLatency = summarise(snaps.map(s => s.acks))
  const processes: StepResult['processes'] = {}
  for (const s of options.watch) {
    const a = before.get(s.name) as ProcSample
    const b = after.get(s.name) as ProcSample
    processes[s.name] = { cpuPercent: cpuPercent(a, b), rssMb: round(b.rssKb / 1024, 1) }
  }
  // The load generator's own CPU (all workers), to show it is not the bottleneck.
  processes.clients = {
    cpuPercent: round(clientsBefore.reduce((a, b, i) => a + cpuPercent(b, clientsAfter[i]!), 0), 1),
    rssMb: round(clientsAfter.reduce((a, b) => a + b.rssKb, 0) / 1024, 1),
  }
  // Everything else on the machine (other people's builds and tests): the noise in this step.
  const machineBusy = 100 * (machineAfter.busy - machineBefore.busy) / ((machineAfter.at - machineBefore.at) / 1000)
  const ours = Object.values(processes).reduce((a, p) => a + p.cpuPercent, 0)
  processes.other = { cpuPercent: round(Math.max(0, machineBusy - ours), 1), rssMb: 0 }
  const sendMs = Math.max(...sendResults.map(r => r.sendMs))
  const result: StepResult = {
    targetRate: options.rate,
    achievedRate: Math.round(sent / (sendMs / 1000)),
    sent,
    acked,
    ackErrors: sendResults.reduce((a, r) => a + r.ackErrors, 0),
    firstAckErrors: [...new Set(sendResults.flatMap(r => r.firstAckErrors))],
    unacked: sendResults.reduce((a, r) => a + r.unacked, 0),
    expected,
    received,
    lost: Math.max(0, expected - received),
    outOfOrder: snaps.reduce((a, s) => a + s.outOfOrder, 0),
    duplicates: snaps.reduce((a, s) => a + s.duplicates, 0),
    selfDeliveries: snaps.reduce((a, s) => a + s.selfDeliveries, 0),
    latency,
    ackLatency,
    clientMaxLagMs: Math.max(...sendResults.map(r => r.maxLagMs)),
    disconnects: snaps.reduce((a, s) => a + s.disconnects, 0),
    processes,
    ok: false,
  }
  result.ok = result.sent > 0 && result.acked === result.sent && result.lost === 0 && result.latency.p99 < 100
  return result
}
