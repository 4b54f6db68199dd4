// The faults of the chaos suite, each as it happens in production: Redis killed or frozen, an
// instance killed or stopped with writes in flight, the database away, a client's transport gone
// silent. Node 24 runs this file directly.
import type { Balancer } from './balancer.ts'
import type { ChaosCluster } from './chaos-cluster.ts'
import { sleep } from './cli.ts'

export interface ChaosTimings {
  /** Sending before the fault, and after it ends. */
  warmupMs: number
  afterMs: number
  /** How long Redis stays down, frozen, and the database down. */
  redisDownMs: number
  freezeMs: number
  databaseDownMs: number
  /** After sending stops, how long clients may take to hold every acknowledged message. */
  settleMs: number
  /** Presence is watched this long after the fault ends (a late change counts against it). */
  observeMs: number
  /** Each sender waits this long between two messages. */
  sendEveryMs: number
}

export const FULL_TIMINGS: ChaosTimings = { warmupMs: 3000, afterMs: 5000, redisDownMs: 5000, freezeMs: 15_000, databaseDownMs: 10_000, settleMs: 30_000, observeMs: 35_000, sendEveryMs: 250 }

export const SCENARIOS = ['redis-kill', 'redis-freeze', 'instance-kill', 'instance-sigterm', 'database-down', 'transport-cut'] as const
export type ScenarioName = typeof SCENARIOS[number]

export interface Fault {
  /** One more reader is added behind a balancer of its own, which the fault is given. */
  victim?: true
  /** Breaks something and resolves with the time it ended: from then on, things must come right. */
  run: (cluster: ChaosCluster, timings: ChaosTimings, victim?: Balancer) => Promise<number>
  /** Puts back what the fault took for good (a stopped instance), once the scenario is counted. */
  restore?: (cluster: ChaosCluster) => Promise<void>
}

/** The instance whose clients move: B (its clients reconnect to A through their balancer). */
const restartB: Fault['restore'] = async (cluster) => {
  if (!cluster.instances[1].alive()) await cluster.instances[1].restart()
}

export const faults: Record<ScenarioName, Fault> = {
  'redis-kill': {
    async run(cluster, timings) {
      process.kill(cluster.redis.pid(), 'SIGKILL')
      await sleep(timings.redisDownMs)
      await cluster.redis.restart()
      return Date.now()
    },
  },
  'redis-freeze': {
    async run(cluster, timings) {
      const pid = cluster.redis.pid()
      process.kill(pid, 'SIGSTOP')
      await sleep(timings.freezeMs)
      process.kill(pid, 'SIGCONT')
      return Date.now()
    },
  },
  'instance-kill': {
    async run(cluster) {
      await cluster.instances[1].kill('SIGKILL')
      return Date.now()
    },
    restore: restartB,
  },
  'instance-sigterm': {
    async run(cluster) {
      const at = Date.now()
      // Senders keep sending: writes are in flight when the signal comes.
      await cluster.instances[1].kill('SIGTERM')
      return at
    },
    restore: restartB,
  },
  'database-down': {
    async run(cluster, timings) {
      await cluster.database.kill()
      await sleep(timings.databaseDownMs)
      await cluster.database.restart()
      return Date.now()
    },
  },
  'transport-cut': {
    victim: true,
    async run(_cluster, _timings, victim) {
      victim!.cut()
      return Date.now()
    },
  },
}
