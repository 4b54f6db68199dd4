// What the chaos suite breaks: Redis, the shared database and two production instances, each
// restartable on its port, behind two balancers (one preferring each instance, as an ALB sends a
// client to some task and, when that task dies, to another). Node 24 runs this file directly.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort, startApp, startDatabase, waitUntil, type Running } from '../../test/support/processes.ts'
import { startRedis, type RunningRedis } from '../../test/support/redis.ts'
import { startBalancer, type Balancer } from './balancer.ts'

/** Everyone sends freely (the suite measures delivery, not limits); metrics flushed every second. */
/** The public origin the instances are configured with: one for all balancers, as an ALB's domain is. */
export const CHAOS_ORIGIN = 'http://chat.chaos.test'

const CHAOS_ENV = {
  PUBLIC_ORIGIN: CHAOS_ORIGIN,
  MESSAGE_BURST: '1000000',
  MESSAGES_PER_SECOND: '1000000',
  LOG_LEVEL: 'warn',
  METRICS_SERVICE: 'chaos',
  METRICS_INTERVAL_SECONDS: '1',
}

export interface Instance {
  name: 'A' | 'B'
  port: number
  /** Every process this instance has been (it is restarted after being killed): their logs and metrics. */
  runs: Running[]
  kill: (signal: NodeJS.Signals) => Promise<void>
  restart: () => Promise<void>
  alive: () => boolean
}

export interface ChaosCluster {
  redis: RunningRedis
  instances: [Instance, Instance]
  /** Connections go to A unless it refuses them (then B), and the other way round. */
  toA: Balancer
  toB: Balancer
  database: { kill: () => Promise<void>, restart: () => Promise<void> }
  /** A balancer of its own (preferring A), for a client whose transport is to be cut. */
  balancer: () => Promise<Balancer>
  /**
   * Stops everything. An instance still running STOP_WITHIN_MS after SIGTERM is killed and named in
   * the error this throws: a shutdown that hangs is a finding, not something to leave running.
   */
  stop: () => Promise<void>
}

/** How long an instance may take to stop after SIGTERM (ECS waits 30 s before it kills a task). */
const STOP_WITHIN_MS = 15_000

export async function startChaosCluster(options: { outputDir?: string } = {}): Promise<ChaosCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'fargate-chat-chaos-'))
  const dbPort = await freePort()
  let db = await startDatabase({ port: dbPort, dir })
  const redis = await startRedis()
  const appOptions = { dynamodbEndpoint: db.endpoint, redisUrl: redis.url, outputDir: options.outputDir, env: CHAOS_ENV }

  async function instance(name: 'A' | 'B'): Promise<Instance> {
    const port = await freePort()
    const runs = [await startApp({ ...appOptions, port })]
    const current = () => runs.at(-1)!
    return {
      name,
      port,
      runs,
      alive: () => current().process.exitCode === null && current().process.signalCode === null,
      async kill(signal) {
        await current().stop(signal)
      },
      async restart() {
        runs.push(await startApp({ ...appOptions, port }))
      },
    }
  }

  const instances: [Instance, Instance] = [await instance('A'), await instance('B')]
  const [a, b] = instances
  const toA = await startBalancer([a.port, b.port])
  const toB = await startBalancer([b.port, a.port])
  const extra: Balancer[] = []
  let stopping: Promise<void> | undefined
  return {
    redis,
    instances,
    toA,
    toB,
    database: {
      async kill() {
        await db.stop('SIGKILL')
      },
      async restart() {
        db = await startDatabase({ port: dbPort, dir })
        // The instances find it again by themselves; wait until both say they are ready.
        await waitUntil(async () => (await Promise.all(instances.map(i => fetch(`http://127.0.0.1:${i.port}/api/ready`).then(r => r.ok, () => false)))).every(Boolean), 30_000, () => 'instances not ready after the database restarted')
      },
    },
    async balancer() {
      const balancer = await startBalancer([a.port, b.port])
      extra.push(balancer)
      return balancer
    },
    stop() {
      stopping ??= (async () => {
        await Promise.all([toA, toB, ...extra].map(balancer => balancer.close()))
        const stuck: string[] = []
        await Promise.all(instances.map(async (i) => {
          const stopped = await Promise.race([i.kill('SIGTERM').then(() => true), new Promise<false>(resolve => setTimeout(resolve, STOP_WITHIN_MS, false))])
          if (stopped) return
          stuck.push(i.name)
          await i.kill('SIGKILL')
        }))
        redis.stop()
        await db.stop()
        rmSync(dir, { recursive: true, force: true })
        if (stuck.length) throw new Error(`instance ${stuck.join(' and ')} still ran ${STOP_WITHIN_MS / 1000} s after SIGTERM`)
      })()
      return stopping
    },
  }
}

/** The instances' log lines of `level` written since `since` (ms), oldest first. */
export function loggedSince(instances: Instance[], level: 'warn' | 'error', since: number): string[] {
  return instances.flatMap(i => i.runs).flatMap(run => run.output().split('\n')).filter((line) => {
    if (!line.includes(`"level":"${level}"`) || line.includes('"event":"http.request"')) return false
    const time = /"time":"([^"]+)"/.exec(line)?.[1]
    return time !== undefined && Date.parse(time) >= since
  })
}

/** The sum of a counted metric over the instances' metric records written since `since` (ms). */
export function countedSince(instances: Instance[], metric: string, since: number): number {
  let total = 0
  for (const run of instances.flatMap(i => i.runs)) {
    for (const line of run.output().split('\n')) {
      if (!line.includes(`"${metric}"`)) continue
      try {
        const record = JSON.parse(line) as Record<string, unknown> & { _aws?: { Timestamp: number } }
        if ((record._aws?.Timestamp ?? 0) >= since && typeof record[metric] === 'number') total += record[metric]
      }
      catch { /* not a metrics record */ }
    }
  }
  return total
}
