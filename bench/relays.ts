// Relays between instances: what an instance with no member in a busy room spends on that room's
// traffic, with the classic Redis adapter (one channel every instance reads) and the sharded one
// (Redis 7 sharded pub/sub, one channel per room). Every client is on the first instance, in one
// room; the other instances have no socket at all. Same run, same rate, both adapters.
//   node bench/relays.ts [--instances 3,4] [--adapters classic,sharded] [--rate 500] [--seconds 12]
//                        [--clients 50] [--senders 10] [--workers 2] [--smoke]
import { execFileSync } from 'node:child_process'
import { args, log, main, num, sleep, valued } from './lib/cli.ts'
import { LoadGenerator, runStep } from './lib/load.ts'
import { cpuPercent, procSample } from './lib/proc.ts'
import { report, table } from './lib/results.ts'
import { app, database, redis, requireBuild, type Service } from './lib/services.ts'
import { round } from './lib/stats.ts'

const { smoke, values } = args({
  ...valued('instances', 'adapters', 'rate', 'seconds', 'clients', 'senders', 'workers'),
})

const INSTANCES = values.instances ? String(values.instances).split(',').map(Number) : smoke ? [3] : [3, 4]
const ADAPTERS = (values.adapters ? String(values.adapters).split(',') : ['classic', 'sharded']) as ('classic' | 'sharded')[]
const RATE = num(values.rate, smoke ? 100 : 500)
const STEP_MS = num(values.seconds, smoke ? 2 : 12) * 1000
const CLIENTS = num(values.clients, smoke ? 6 : 50)
const SENDERS = num(values.senders, smoke ? 2 : 10)
const WORKERS = num(values.workers, 2)
const ROOM = 'general'

/** What Redis itself says about the instances' subscriptions (CLIENT LIST, SHARDNUMSUB, NUMPAT). */
function subscriptions(port: number) {
  const cli = (...command: string[]) => execFileSync('redis-cli', ['-p', String(port), ...command], { encoding: 'utf8' })
  const subscribers = cli('CLIENT', 'LIST').split('\n').filter(line => line.includes('name=fargate-chat-subscribe'))
  const field = (line: string, name: string) => Number(new RegExp(`\\b${name}=(\\d+)`).exec(line)?.[1] ?? 0)
  const roomChannel = `fc:socket.io#/#${ROOM}#`
  const shardNumSub = cli('PUBSUB', 'SHARDNUMSUB', roomChannel).trim().split('\n')
  return {
    subscriberConnections: subscribers.length,
    patternSubscriptions: subscribers.reduce((sum, line) => sum + field(line, 'psub'), 0),
    shardChannels: subscribers.reduce((sum, line) => sum + field(line, 'ssub'), 0),
    roomChannelShardSubscribers: Number(shardNumSub[1] ?? 0),
    patterns: Number(cli('PUBSUB', 'NUMPAT').trim()),
  }
}

/** Calls per Redis command so far (INFO commandstats). */
function commandCalls(port: number): Record<string, number> {
  const stats = execFileSync('redis-cli', ['-p', String(port), 'INFO', 'commandstats'], { encoding: 'utf8' })
  return Object.fromEntries([...stats.matchAll(/^cmdstat_([\w|]+):calls=(\d+)/gm)].map(m => [m[1]!, Number(m[2])]))
}

/** Redis commands per message between two readings, by command, largest first (those under 0.01 left out). */
function perMessage(before: Record<string, number>, after: Record<string, number>, messages: number): Record<string, number> {
  const rows = Object.entries(after).map(([command, calls]) => [command, round((calls - (before[command] ?? 0)) / Math.max(1, messages), 2)] as const)
  return Object.fromEntries(rows.filter(([, n]) => n >= 0.01).sort((a, b) => b[1] - a[1]))
}

interface Run {
  adapter: string
  instances: number
  rate: number
  achievedRate: number
  lost: number
  p99: number
  busyCpu: number
  /** CPU of each instance without members while the room is busy, and while nothing is sent. */
  idleCpuLoaded: number[]
  idleCpuQuiet: number[]
  /** Extra CPU of one memberless instance per 1,000 msg/s of the room's traffic, % of a core. */
  relayCostPer1000: number
  redisCpu: number
  /** Redis commands per message sent at the loaded rate (all instances together). */
  redisCommandsPerMessage: Record<string, number>
  redis: ReturnType<typeof subscriptions>
}

async function run(adapter: 'classic' | 'sharded', count: number): Promise<Run> {
  const db = await database()
  const cache = await redis()
  const port = Number(new URL(cache.url).port)
  const instances: Service[] = []
  for (let i = 0; i < count; i++) {
    instances.push(await app({ name: `app-${i + 1}`, dynamodbEndpoint: db.endpoint, redisUrl: cache.url, env: { REDIS_ADAPTER: adapter } }))
  }
  const load = new LoadGenerator()
  try {
    await load.start(WORKERS)
    const connected = await load.connect([instances[0]!.url!], CLIENTS, { join: ROOM })
    if (connected.connected < 2) throw new Error(`too few clients: ${connected.firstErrors.join('; ')}`)
    const senders = load.pickSenders(SENDERS)
    const watch = [...instances, db, cache]
    const step = (rate: number, durationMs: number) => runStep(load, { rate, senders, durationMs, room: ROOM, watch, members: connected.connected })
    await step(Math.min(RATE, 200), smoke ? 500 : 3000)
    // The memberless instances' CPU with nothing sent (heartbeats, timers), for the same time.
    const idle = instances.slice(1)
    const quietBefore = idle.map(s => procSample(s.pid))
    await sleep(STEP_MS)
    const idleCpuQuiet = idle.map((s, i) => cpuPercent(quietBefore[i]!, procSample(s.pid)))
    const commandsBefore = commandCalls(port)
    const loaded = await step(RATE, STEP_MS)
    const redisCommandsPerMessage = perMessage(commandsBefore, commandCalls(port), loaded.sent)
    const idleCpuLoaded = idle.map(s => loaded.processes[s.name]!.cpuPercent)
    const extra = idleCpuLoaded.reduce((sum, c, i) => sum + c - idleCpuQuiet[i]!, 0) / Math.max(1, idle.length)
    return {
      adapter,
      instances: count,
      rate: RATE,
      achievedRate: loaded.achievedRate,
      lost: loaded.lost,
      p99: loaded.latency.p99,
      busyCpu: loaded.processes['app-1']!.cpuPercent,
      idleCpuLoaded,
      idleCpuQuiet,
      relayCostPer1000: loaded.achievedRate ? round(extra * 1000 / loaded.achievedRate, 2) : 0,
      redisCpu: loaded.processes.redis!.cpuPercent,
      redisCommandsPerMessage,
      redis: subscriptions(port),
    }
  }
  finally {
    await load.close()
    await Promise.all(instances.map(s => s.stop()))
    await cache.stop()
    await db.stop()
  }
}

main('relays', smoke ? 120_000 : 30 * 60_000, async () => {
  requireBuild()
  log(`relays: ${CLIENTS} clients on the first instance in "${ROOM}", ${SENDERS} senders at ${RATE} msg/s for ${STEP_MS / 1000} s; the other instances have no member`)
  const runs: Run[] = []
  for (const count of INSTANCES) {
    for (const adapter of ADAPTERS) {
      log(`\n== ${count} instances, ${adapter} adapter ==`)
      const result = await run(adapter, count)
      runs.push(result)
      log(`  sent ${result.achievedRate} msg/s, lost ${result.lost}, p99 ${result.p99} ms; instance with the members ${result.busyCpu} %; memberless instances ${result.idleCpuLoaded.join(', ')} % (quiet: ${result.idleCpuQuiet.join(', ')} %); redis ${result.redisCpu} %`)
      log(`  Redis commands per message: ${Object.entries(result.redisCommandsPerMessage).map(([c, n]) => `${c} ${n}`).join(', ')}`)
    }
  }
  log(`\n${table(runs.map(r => ({
    'instances': r.instances,
    'adapter': r.adapter,
    'msg/s': r.achievedRate,
    'lost': r.lost,
    'p99 ms': r.p99,
    'busy %': r.busyCpu,
    'memberless % (quiet)': `${r.idleCpuLoaded.join('/')} (${r.idleCpuQuiet.join('/')})`,
    'relay % per 1,000 msg/s': r.relayCostPer1000,
    'redis %': r.redisCpu,
    'pattern subs': r.redis.patternSubscriptions,
    'room channel subscribers': r.redis.roomChannelShardSubscribers,
  })))}`)
  const per = (adapter: string) => runs.filter(r => r.adapter === adapter).map(r => r.relayCostPer1000)
  const mean = (values: number[]) => (values.length ? round(values.reduce((a, b) => a + b, 0) / values.length, 2) : null)
  const summary = { relayCostPer1000: { classic: mean(per('classic')), sharded: mean(per('sharded')) }, lost: runs.reduce((n, r) => n + r.lost, 0) }
  log(`\nsummary: a memberless instance spends ${summary.relayCostPer1000.classic ?? '-'} % of a core per 1,000 msg/s of another instance's room with the classic adapter, ${summary.relayCostPer1000.sharded ?? '-'} % with the sharded one`)
  report('relays', { config: { instances: INSTANCES, adapters: ADAPTERS, rate: RATE, stepMs: STEP_MS, clients: CLIENTS, senders: SENDERS, smoke }, summary, runs })
})
