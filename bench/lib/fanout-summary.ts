// The fan-out benchmark's figures from its runs: CPU per message at the fixed rates (against the
// floor and bare), the highest rate each target held, what two instances add; per round, and with
// --repeat, how the rounds compare (the "in 3 of 4 runs").
import type { StepResult } from './load.ts'
import { median, round } from './stats.ts'
import type { TargetKind } from './targets.ts'

export interface TargetRun {
  target: TargetKind
  label: string
  connect: { connected: number, errors: number, firstErrors: string[], ms: number }
  steps: StepResult[]
  maxOkRate: number | null
  skipped?: string
}

const STORES = new Set(['dynalite', 'redis'])
const NOT_SERVER = new Set(['clients', 'other', ...STORES])

/**
 * CPU-milliseconds per message sent: the server processes (the app instances, bare Socket.io or
 * the floor), and the database and Redis processes they need. A process at x % of a core spends
 * 10·x ms a second.
 */
export function cpuMsPerMessage(s: StepResult): { server: number, stores: number } {
  const sum = (pick: (name: string) => boolean) => Object.entries(s.processes).filter(([name]) => pick(name)).reduce((a, [, v]) => a + v.cpuPercent, 0)
  const perMessage = (percent: number) => (s.achievedRate > 0 ? round(percent * 10 / s.achievedRate, 2) : 0)
  return { server: perMessage(sum(name => !NOT_SERVER.has(name))), stores: perMessage(sum(name => STORES.has(name))) }
}

const ratio = (a?: number | null, b?: number | null) => (a && b ? round(a / b, 2) : null)

/** The figures of one round: every target once, one after another. */
export function summariseRound(runs: TargetRun[], cpuRates: number[], rampRates: number[]) {
  const by = Object.fromEntries(runs.map(r => [r.target, r])) as Partial<Record<TargetKind, TargetRun>>
  // p50 of app vs two instances at every rate both passed.
  const p50At = (run: TargetRun | undefined, rate: number) => run?.steps.filter(s => s.targetRate === rate && s.ok).at(-1)?.latency.p50
  const common = [...cpuRates, ...rampRates].filter(rate => p50At(by.app, rate) !== undefined && p50At(by.app2, rate) !== undefined)
  const cpuAt = (run: TargetRun | undefined, rate: number) => {
    const s = run?.steps.filter(step => step.targetRate === rate).at(-1)
    return s ? cpuMsPerMessage(s) : undefined
  }
  return {
    maxOkRate: Object.fromEntries(runs.map(r => [r.target, r.maxOkRate])) as Partial<Record<TargetKind, number | null>>,
    appVsBare: ratio(by.app?.maxOkRate, by.bare?.maxOkRate),
    appVsFloor: ratio(by.app?.maxOkRate, by.floor?.maxOkRate),
    app2VsApp: ratio(by.app2?.maxOkRate, by.app?.maxOkRate),
    redisP50Cost: common.map(rate => ({ rate, app: p50At(by.app, rate)!, app2: p50At(by.app2, rate)!, addedMs: round(p50At(by.app2, rate)! - p50At(by.app, rate)!, 1) })),
    // The floor (bare + one PutItem per message) is the yardstick.
    cpuPerMessage: cpuRates.map((rate) => {
      const [bare, floor, app, app2] = [cpuAt(by.bare, rate), cpuAt(by.floor, rate), cpuAt(by.app, rate), cpuAt(by.app2, rate)]
      return {
        rate,
        bare: bare?.server,
        floor: floor?.server,
        floorWithStores: floor ? round(floor.server + floor.stores, 2) : undefined,
        app: app?.server,
        appWithStores: app ? round(app.server + app.stores, 2) : undefined,
        app2: app2?.server,
        app2WithStores: app2 ? round(app2.server + app2.stores, 2) : undefined,
        floorVsBare: ratio(floor?.server, bare?.server),
        appVsBare: ratio(app?.server, bare?.server),
        appVsFloor: ratio(app?.server, floor?.server),
        app2VsApp: ratio(app2?.server, app?.server),
      }
    }),
  }
}

export type RoundSummary = ReturnType<typeof summariseRound>

/** Across rounds: each ratio's median and every round's value, and how many rounds met each target. */
export function summariseRounds(rounds: RoundSummary[]) {
  const values = (pick: (r: RoundSummary) => number | null | undefined) => rounds.map(pick).filter((v): v is number => typeof v === 'number')
  const cpuRates = rounds[0]?.cpuPerMessage.map(c => c.rate) ?? []
  return {
    rounds: rounds.length,
    appVsBare: values(r => r.appVsBare),
    appMaxOkRate: values(r => r.maxOkRate.app),
    roundsAppAtLeast60PercentOfBare: values(r => r.appVsBare).filter(v => v >= 0.6).length,
    roundsAppAtLeast1400: values(r => r.maxOkRate.app).filter(v => v >= 1400).length,
    cpuMedians: cpuRates.map((rate) => {
      const at = (field: 'appVsFloor' | 'appVsBare' | 'floorVsBare' | 'app2VsApp') => values(r => r.cpuPerMessage.find(c => c.rate === rate)?.[field])
      const medianOf = (list: number[]) => (list.length ? round(median(list), 2) : null)
      return { rate, appVsFloor: medianOf(at('appVsFloor')), appVsFloorRounds: at('appVsFloor'), appVsBare: medianOf(at('appVsBare')), floorVsBare: medianOf(at('floorVsBare')), app2VsApp: medianOf(at('app2VsApp')) }
    }),
  }
}
