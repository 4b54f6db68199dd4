// `npm run chaos`: Redis, the shared database and two production instances behind balancers,
// browser-like clients on both instances in two rooms, senders on both sending throughout, and
// each fault in turn. Prints one table per run; fails when anything was missed, lost, doubled or
// out of order, or presence was not right again within 30 s of a fault.
//   node bench/chaos.ts [--runs 3] [--only redis-kill,instance-kill] [--clients 12] [--smoke]
import { args, log, main, num, onCleanup } from './lib/cli.ts'
import { startChaosCluster } from './lib/chaos-cluster.ts'
import type { ChaosRow } from './lib/chaos-count.ts'
import { FULL_TIMINGS, SCENARIOS, type ChaosTimings, type ScenarioName } from './lib/chaos-faults.ts'
import { runScenario } from './lib/chaos-run.ts'
import { report } from './lib/results.ts'
import { requireBuild } from './lib/services.ts'

/** Presence must be right again within this long after every fault. */
export const PRESENCE_BOUND_MS = 30_000

/** Short faults and waits: the suite's own check (`--smoke`), and the version `npm test` runs. */
export const SHORT_TIMINGS: ChaosTimings = { warmupMs: 1000, afterMs: 2000, redisDownMs: 3000, freezeMs: 5000, databaseDownMs: 3000, settleMs: 20_000, observeMs: 16_000, sendEveryMs: 250 }

/** What went wrong in a row (empty: nothing). */
export function problems(row: ChaosRow): string[] {
  const found: string[] = []
  for (const key of ['lost', 'missed', 'duplicated', 'outOfOrder'] as const) if (row[key] > 0) found.push(`${row[key]} ${key}`)
  if (row.presenceRightAfterMs === null || row.presenceRightAfterMs > PRESENCE_BOUND_MS) found.push(`presence right after ${row.presenceRightAfterMs ?? 'never'} ms`)
  if (row.acknowledged === 0) found.push('nothing acknowledged')
  return found
}

const COLUMNS: [string, (row: ChaosRow) => string | number][] = [
  ['scenario', row => row.scenario],
  ['acknowledged', row => row.acknowledged],
  ['stored', row => row.stored],
  ['delivered live', row => row.deliveredLive],
  ['caught up', row => row.caughtUp],
  ['missed', row => row.missed],
  ['lost', row => row.lost],
  ['duplicated', row => row.duplicated],
  ['out of order', row => row.outOfOrder],
  ['presence right after', row => (row.presenceRightAfterMs === null ? 'never' : `${(row.presenceRightAfterMs / 1000).toFixed(1)} s`)],
  ['reconnects', row => row.reconnects],
  ['catch-ups served', row => row.catchUpsServed],
  ['relay losses', row => row.relayLosses],
]

/** One run's rows as a Markdown table. */
export function table(rows: ChaosRow[]): string {
  const lines = [COLUMNS.map(([name]) => name), COLUMNS.map(() => '---'), ...rows.map(row => COLUMNS.map(([, cell]) => String(cell(row))))]
  return lines.map(cells => `| ${cells.join(' | ')} |`).join('\n')
}

if (import.meta.main) {
  const { smoke, values } = args({ runs: { type: 'string' }, only: { type: 'string' }, clients: { type: 'string' } })
  const runs = num(values.runs, 1)
  const scenarios = (typeof values.only === 'string' ? values.only.split(',') : [...SCENARIOS]) as ScenarioName[]
  for (const scenario of scenarios) if (!SCENARIOS.includes(scenario)) throw new Error(`unknown scenario ${scenario}: one of ${SCENARIOS.join(', ')}`)
  const timings = smoke ? SHORT_TIMINGS : FULL_TIMINGS
  main('chaos', runs * scenarios.length * 3 * 60_000, async () => {
    const cluster = await startChaosCluster({ outputDir: requireBuild() })
    onCleanup(() => cluster.stop())
    const results: ChaosRow[][] = []
    for (let run = 1; run <= runs; run++) {
      const rows: ChaosRow[] = []
      for (const scenario of scenarios) {
        log(`run ${run}/${runs}: ${scenario}…`)
        rows.push(await runScenario(cluster, scenario, timings, num(values.clients, 12)))
        log(`  ${JSON.stringify(rows.at(-1))}`)
      }
      results.push(rows)
      log(`\nRun ${run} of ${runs} (${rows[0]?.clients ?? 0}+ clients, two instances, two rooms):\n\n${table(rows)}\n`)
    }
    // Stopped here, not by the cleanup (which gives up after 5 s): an instance that does not stop is a finding.
    const stopped = await cluster.stop().then(() => null, (error: Error) => error.message)
    const failed = [...results.flat().flatMap(row => problems(row).map(problem => `${row.scenario}: ${problem}`)), ...stopped ? [stopped] : []]
    report('chaos', { runs: results, summary: { runs, scenarios, failed } })
    if (failed.length) throw new Error(`chaos found problems:\n${failed.join('\n')}`)
  })
}
