// One fan-out step against a fresh app (and its dynalite) with the search index on or off: delivery
// latency and CPU per message of the app and of the database, optionally with something else
// running against the app during the step (the freshness prober).
import { LoadGenerator, runStep } from './load.ts'
import { procSample } from './proc.ts'
import { round } from './stats.ts'
import { startTarget } from './targets.ts'

export interface SendPathRun {
  index: 'on' | 'off'
  rate: number
  p50: number
  p99: number
  ackP50: number
  appCpu: number
  dbCpu: number
  /** CPU milliseconds per stored message: steadier than latency on a machine others are using. */
  appCpuMsPerMessage: number
  dbCpuMsPerMessage: number
  /** Everything else on the machine, in % of one core: the noise of this step. */
  otherCpu: number
  ok: boolean
  lost: number
}

export async function sendPathStep(index: 'on' | 'off', rate: number, smoke: boolean, during?: (url: string, durationMs: number) => Promise<void>): Promise<SendPathRun> {
  const target = await startTarget('app', { env: { SEARCH_INDEX: index } })
  const load = new LoadGenerator()
  try {
    await load.start(smoke ? 1 : 2)
    const clients = smoke ? 6 : 50
    const connect = await load.connect(target.urls, clients, { join: 'general' })
    const senders = load.pickSenders(smoke ? 2 : 10)
    const step = (r: number, durationMs: number) => runStep(load, { rate: r, senders, durationMs, room: 'general', watch: target.watch, members: connect.connected })
    await step(Math.min(rate, 200), smoke ? 500 : 2000) // warm-up, not reported
    const [app, db] = [target.servers[0]!, target.watch.find(w => w.name === 'dynalite')!]
    const durationMs = smoke ? 1000 : during ? 20_000 : 5000
    const before = [procSample(app.pid), procSample(db.pid)]
    const [s] = await Promise.all([step(rate, durationMs), during?.(target.urls[0]!, durationMs)])
    const after = [procSample(app.pid), procSample(db.pid)]
    const perMessage = (i: number) => s.acked ? round((after[i]!.cpu - before[i]!.cpu) * 1000 / s.acked, 3) : 0
    return {
      index,
      rate,
      p50: s.latency.p50,
      p99: s.latency.p99,
      ackP50: s.ackLatency.p50,
      appCpu: s.processes.app?.cpuPercent ?? 0,
      dbCpu: s.processes.dynalite?.cpuPercent ?? 0,
      appCpuMsPerMessage: perMessage(0),
      dbCpuMsPerMessage: perMessage(1),
      otherCpu: s.processes.other?.cpuPercent ?? 0,
      ok: s.ok,
      lost: s.lost,
    }
  }
  finally {
    await load.close()
    await target.stop()
  }
}
