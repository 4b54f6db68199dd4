// Idle connections: hold 1,000 then 5,000 signed-in idle sockets on one instance and report server
// memory per connection and CPU while idle, for the app and the bare reference.
//   node bench/idle.ts [--target bare,app] [--sizes 1000,5000] [--workers 4] [--idle-seconds 10] [--smoke]
// 5,000 sockets need more file descriptors than some shells allow: the npm script raises
// `ulimit -n` in its shell first (Node cannot set rlimits itself).
import { execSync } from 'node:child_process'
import { args, log, main, num, sleep, valued } from './lib/cli.ts'
import { cpuPercent, openFds, procSample, type ProcSample } from './lib/proc.ts'
import { report } from './lib/results.ts'
import { round } from './lib/stats.ts'
import { LoadGenerator } from './lib/load.ts'
import { TARGET_LABELS, appAvailable, startTarget, type TargetKind } from './lib/targets.ts'

const { smoke, values } = args({
  ...valued('target', 'sizes', 'workers', 'idle-seconds'),
})
const sizes = (values.sizes ? String(values.sizes).split(',').map(Number) : smoke ? [20, 50] : [1000, 5000]).sort((a, b) => a - b)
const workers = num(values.workers, smoke ? 2 : 4)
const idleMs = num(values['idle-seconds'], smoke ? 1 : 10) * 1000
const requested = (values.target ? String(values.target).split(',') : ['bare', 'app']) as TargetKind[]

function fdLimit(): number {
  try {
    return Number(execSync('ulimit -n', { shell: '/bin/bash' }).toString().trim())
  }
  catch {
    return -1
  }
}

/** RSS after the heap settles a little: the lowest of a few samples over ~2 s. */
async function settledRss(pid: number): Promise<number> {
  let lowest = Infinity
  for (let i = 0; i < (smoke ? 2 : 5); i++) {
    await sleep(smoke ? 200 : 400)
    lowest = Math.min(lowest, procSample(pid).rssKb)
  }
  return lowest
}

interface Level {
  connections: number
  connectErrors: number
  firstErrors: string[]
  connectSeconds: number
  rssMb: number
  kbPerConnection: number
  /** Cost of the connections added since the previous level: excludes one-off warm-up memory. */
  marginalKbPerConnection: number | null
  idleCpuPercent: number
  disconnectsWhileIdle: number
  serverFds: number
}

async function runTarget(kind: TargetKind) {
  log(`\n== ${TARGET_LABELS[kind]} ==`)
  const target = await startTarget(kind)
  const server = target.servers[0]!
  // One set of client processes per level; every level's clients stay connected until the end.
  const clientSets: LoadGenerator[] = []
  try {
    await sleep(smoke ? 300 : 2000)
    const baseline = await settledRss(server.pid)
    log(`  baseline RSS ${round(baseline / 1024, 1)} MB`)
    const levels: Level[] = []
    let previous = { n: 0, rss: baseline }
    // Each level connects the missing sockets on top of the ones already held.
    for (const size of sizes) {
      const started = performance.now()
      const add = size - previous.n
      const extra = new LoadGenerator()
      clientSets.push(extra)
      await extra.start(workers)
      const connect = await extra.connect(target.urls, add, { concurrency: 25, timeoutMs: 30_000 })
      const connectSeconds = round((performance.now() - started) / 1000, 1)
      const rss = await settledRss(server.pid)
      await extra.snapshot(true)
      const a: ProcSample = procSample(server.pid)
      await sleep(idleMs)
      const b: ProcSample = procSample(server.pid)
      const snaps = await extra.snapshot(false)
      const held = previous.n + connect.connected
      const level: Level = {
        connections: held,
        connectErrors: connect.errors,
        firstErrors: connect.firstErrors,
        connectSeconds,
        rssMb: round(rss / 1024, 1),
        kbPerConnection: round((rss - baseline) / held, 1),
        marginalKbPerConnection: previous.n ? round((rss - previous.rss) / connect.connected, 1) : null,
        idleCpuPercent: cpuPercent(a, b),
        disconnectsWhileIdle: snaps.reduce((x, s) => x + s.disconnects, 0),
        serverFds: openFds(server.pid),
      }
      levels.push(level)
      log(`  ${String(held).padStart(5)} sockets: RSS ${level.rssMb} MB, ${level.kbPerConnection} KB/conn${level.marginalKbPerConnection !== null ? ` (marginal ${level.marginalKbPerConnection})` : ''}, idle CPU ${level.idleCpuPercent}%, connect ${connectSeconds} s, errors ${level.connectErrors}${level.firstErrors.length ? ` (${level.firstErrors.join('; ')})` : ''}, fds ${level.serverFds}`)
      previous = { n: held, rss }
    }
    return { target: kind, label: TARGET_LABELS[kind], baselineRssMb: round(baseline / 1024, 1), levels }
  }
  finally {
    for (const g of clientSets) await g.close()
    await target.stop()
  }
}

main('idle', smoke ? 90_000 : 10 * 60_000, async () => {
  const limit = fdLimit()
  log(`idle connections: sizes ${sizes.join(', ')}, ${workers} client processes, ${idleMs / 1000} s idle window, ulimit -n ${limit}`)
  if (limit > 0 && limit < Math.max(...sizes) / workers + 200) log(`  warning: ulimit -n ${limit} may be too low; run through \`npm run bench:idle\` (raises it)`)
  const runs: Awaited<ReturnType<typeof runTarget>>[] = []
  for (const kind of requested) {
    if (kind !== 'bare' && !appAvailable()) {
      log(`\n== ${TARGET_LABELS[kind]} == skipped: no Socket.io server in the app yet`)
      continue
    }
    runs.push(await runTarget(kind))
  }
  const last = (kind: TargetKind) => runs.find(r => r.target === kind)?.levels.at(-1)
  const summary = {
    kbPerConnection: Object.fromEntries(runs.map(r => [r.target, r.levels.at(-1)?.kbPerConnection ?? null])),
    marginalKbPerConnection: Object.fromEntries(runs.map(r => [r.target, r.levels.at(-1)?.marginalKbPerConnection ?? null])),
    appWithin40Kb: last('app') ? last('app')!.kbPerConnection <= 40 : null,
    errors: runs.reduce((a, r) => a + r.levels.reduce((x, l) => x + l.connectErrors + l.disconnectsWhileIdle, 0), 0),
  }
  log(`\nsummary: KB per connection at ${Math.max(...sizes)}: ${Object.entries(summary.kbPerConnection).map(([k, v]) => `${k} ${v}`).join(', ')} (target app ≤ 40); errors ${summary.errors}`)
  report('idle', { config: { sizes, workers, idleMs, fdLimit: limit, smoke }, summary, runs })
})
