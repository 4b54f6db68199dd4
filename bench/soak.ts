// Soak: the fan-out load held for N minutes at half the ramp's maximum (from the latest fan-out result)
// or a given rate, sampling server RSS and delivery latency every 10 s; reports least-squares slopes,
// which should be flat.
//   node bench/soak.ts [--minutes 10] [--rate R] [--target app|app2|bare] [--clients 50] [--senders 10]
//                      [--workers 4] [--interval-seconds 10] [--smoke]
import { readdirSync, readFileSync } from 'node:fs'
import { args, log, main, num, sleep, valued } from './lib/cli.ts'
import { cpuPercent, procSample } from './lib/proc.ts'
import { report, RESULTS_DIR } from './lib/results.ts'
import { round, slope } from './lib/stats.ts'
import { LoadGenerator, summarise } from './lib/load.ts'
import { TARGET_LABELS, appAvailable, startTarget, type TargetKind } from './lib/targets.ts'

const { smoke, values } = args({
  ...valued('minutes', 'rate', 'target', 'clients', 'senders', 'workers', 'interval-seconds'),
})
const minutes = num(values.minutes, smoke ? 0.1 : 10)
const intervalMs = num(values['interval-seconds'], smoke ? 1 : 10) * 1000
const clients = num(values.clients, smoke ? 6 : 50)
const senders = num(values.senders, smoke ? 2 : 10)
const workers = num(values.workers, smoke ? 2 : 4)
const kind = (values.target ?? (appAvailable() ? 'app' : 'bare')) as TargetKind
const ROOM = 'general'

function chooseRate(): { rate: number, source: string } {
  if (values.rate !== undefined) return { rate: num(values.rate, 0), source: '--rate' }
  if (smoke) return { rate: 50, source: 'smoke' }
  // The newest full ramp (not a smoke run, not a fixed-rate run) that measured this target.
  const files = readdirSync(RESULTS_DIR).filter(f => /^fanout-\d.*\.json$/.test(f)).sort().reverse()
  for (const file of files) {
    const result = JSON.parse(readFileSync(`${RESULTS_DIR}/${file}`, 'utf8'))
    const max = result.summary?.maxOkRate?.[kind]
    if (!result.config?.smoke && result.config?.rates?.length > 1 && typeof max === 'number' && max > 0) {
      return { rate: Math.round(max / 2), source: `half the latest fan-out ramp maximum (${max} msg/s, ${file})` }
    }
  }
  return { rate: 500, source: 'default (no fan-out result to halve)' }
}

main('soak', (minutes * 60 + (smoke ? 60 : 180)) * 1000, async () => {
  const { rate, source } = chooseRate()
  const durationMs = Math.round(minutes * 60_000)
  log(`soak: ${TARGET_LABELS[kind]}, ${rate} msg/s (${source}) for ${minutes} min, ${clients} clients, ${senders} senders, sample every ${intervalMs / 1000} s`)
  const target = await startTarget(kind)
  const server = target.servers[0]!
  const db = target.watch.find(s => s.name === 'dynalite')
  const load = new LoadGenerator()
  try {
    await load.start(workers)
    const connect = await load.connect(target.urls, clients, { join: ROOM })
    if (connect.connected < 2) throw new Error(`too few clients connected: ${connect.firstErrors.join('; ')}`)
    const senderIds = load.pickSenders(senders)
    const perSender = rate / senderIds.length
    await load.snapshot(true)
    const bySender = new Set(senderIds)
    const sending = load.all<{ sent: number, acked: [number, number][], ackErrors: number, unacked: number, maxLagMs: number }>('send', i => ({
      senders: load.owned[i]!.filter(g => bySender.has(g)),
      rate: perSender,
      durationMs,
      room: ROOM,
      textBytes: 100,
      drainMs: 5000,
    }))
    let finished = false
    sending.finally(() => { finished = true }).catch(() => {})
    const started = performance.now()
    const samples = []
    let received = 0
    let outOfOrder = 0
    let previous = procSample(server.pid)
    let previousDb = db ? procSample(db.pid) : null
    while (!finished) {
      const wake = started + (samples.length + 1) * intervalMs
      while (!finished && performance.now() < wake) await sleep(Math.min(250, Math.max(1, wake - performance.now())))
      if (finished) break
      const snaps = await load.snapshot(true)
      const now = procSample(server.pid)
      const nowDb = db ? procSample(db.pid) : null
      const latency = summarise(snaps.map(s => s.deliveries))
      received += snaps.reduce((a, s) => a + s.received.reduce((x, [, c]) => x + c, 0), 0)
      outOfOrder += snaps.reduce((a, s) => a + s.outOfOrder, 0)
      const sample = {
        minute: round((performance.now() - started) / 60_000, 3),
        rssMb: round(now.rssKb / 1024, 1),
        cpuPercent: cpuPercent(previous, now),
        dbRssMb: nowDb ? round(nowDb.rssKb / 1024, 1) : null,
        dbCpuPercent: nowDb && previousDb ? cpuPercent(previousDb, nowDb) : null,
        deliveries: latency.count,
        p50: latency.p50,
        p99: latency.p99,
        max: latency.max,
      }
      samples.push(sample)
      log(`  ${sample.minute.toFixed(2).padStart(6)} min  rss ${sample.rssMb} MB  cpu ${sample.cpuPercent}%  db rss ${sample.dbRssMb} MB  p50 ${sample.p50} ms  p99 ${sample.p99} ms  max ${sample.max} ms  deliveries ${sample.deliveries}`)
      previous = now
      previousDb = nowDb
    }
    const sent = await sending
    // Let the last deliveries arrive, then count them too.
    await sleep(1000)
    const tail = await load.snapshot(true)
    received += tail.reduce((a: number, s: { received: [number, number][] }) => a + s.received.reduce((x, [, c]) => x + c, 0), 0)
    outOfOrder += tail.reduce((a: number, s: { outOfOrder: number }) => a + s.outOfOrder, 0)
    const totalSent = sent.reduce((a, r) => a + r.sent, 0)
    const acked = sent.reduce((a, r) => a + r.acked.reduce((x, [, c]) => x + c, 0), 0)
    const expected = acked * (connect.connected - 1)
    // Slopes skip the first sample (warm-up: JIT, pools, heap growth to its working size).
    const steady = samples.length > 3 ? samples.slice(1) : samples
    const xs = steady.map(s => s.minute)
    const summary = {
      target: kind,
      rate,
      rateSource: source,
      minutes,
      sent: totalSent,
      acked,
      ackErrors: sent.reduce((a, r) => a + r.ackErrors, 0),
      expected,
      received,
      lost: Math.max(0, expected - received),
      outOfOrder,
      rssSlopeKbPerMin: round(slope(xs, steady.map(s => s.rssMb * 1024)), 0),
      dbRssSlopeKbPerMin: db ? round(slope(xs, steady.map(s => (s.dbRssMb ?? 0) * 1024)), 0) : null,
      p50SlopeMsPerMin: round(slope(xs, steady.map(s => s.p50)), 3),
      p99SlopeMsPerMin: round(slope(xs, steady.map(s => s.p99)), 3),
      rssMb: { first: steady[0]?.rssMb, last: steady.at(-1)?.rssMb },
      p99Ms: { first: steady[0]?.p99, last: steady.at(-1)?.p99, worst: Math.max(...steady.map(s => s.p99)) },
    }
    log(`summary: ${totalSent} sent, ${acked} acked, lost ${summary.lost}, out of order ${outOfOrder}; RSS slope ${summary.rssSlopeKbPerMin} KB/min (dynalite ${summary.dbRssSlopeKbPerMin}), p50 slope ${summary.p50SlopeMsPerMin} ms/min, p99 slope ${summary.p99SlopeMsPerMin} ms/min`)
    report('soak', { config: { kind, rate, minutes, intervalMs, clients, senders, workers, smoke }, summary, samples })
  }
  finally {
    await load.close()
    await target.stop()
  }
})
