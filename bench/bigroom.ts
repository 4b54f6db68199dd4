// A big room: 2,000 and 5,000 signed-in idle sockets in one room (a company's #general), a tenth of
// them with it on screen, a few senders. What one message, one presence change (someone opens or
// leaves the room), one typing indicator and one person signing in or out cost the server, in CPU
// and in bytes sent to the room's sockets.
//   node bench/bigroom.ts [--sizes 2000,5000] [--viewers 0.1] [--rate 20] [--events 40] [--workers 4] [--smoke]
// Run it through `npm run bench:bigroom`, which raises `ulimit -n` for thousands of sockets.
import { args, log, main, num, sleep, valued } from './lib/cli.ts'
import { LoadGenerator, runStep } from './lib/load.ts'
import { cpuPercent, procSample } from './lib/proc.ts'
import { report, table } from './lib/results.ts'
import { app, database, requireBuild, type Service } from './lib/services.ts'
import { round } from './lib/stats.ts'

const { smoke, values } = args({
  ...valued('sizes', 'viewers', 'rate', 'events', 'workers'),
})

const SIZES = values.sizes ? String(values.sizes).split(',').map(Number) : smoke ? [60] : [2000, 5000]
const VIEWERS = num(values.viewers, 0.1)
const RATE = num(values.rate, smoke ? 5 : 20)
const EVENTS = num(values.events, smoke ? 4 : 40)
const WORKERS = num(values.workers, smoke ? 2 : 4)
const STEP_MS = smoke ? 2000 : 10_000
// A default room: every signed-in socket is subscribed to it, as everyone is to a company's #general.
const ROOM = 'general'

interface EventCost {
  events: number
  /** Server CPU per event, in milliseconds. */
  cpuMs: number
  /** Bytes the server sent to the room's sockets per event. */
  kbSent: number
}

interface Level {
  members: number
  viewers: number
  connectSeconds: number
  message: { rate: number, p50: number, p99: number, lost: number, cpuMsPerMessage: number }
  presence: EventCost
  typing: EventCost
  signIn: EventCost
}

/** The server's CPU while nothing happens (pings, presence heartbeats), in % of a core. */
async function idleCpu(server: Service): Promise<number> {
  const before = procSample(server.pid)
  await sleep(smoke ? 500 : 3000)
  return cpuPercent(before, procSample(server.pid))
}

/** Server CPU (above its idle use) and bytes delivered while `work` runs, per event it reports. */
async function measure(server: Service, loads: LoadGenerator[], work: () => Promise<number>): Promise<EventCost> {
  const idle = await idleCpu(server)
  const bytes = async () => (await Promise.all(loads.map(l => l.bytesIn()))).reduce((a, b) => a + b, 0)
  const bytesBefore = await bytes()
  const before = procSample(server.pid)
  const events = await work()
  // Broadcasts finish after their last emit returns: wait until no more bytes arrive.
  let last = -1
  for (let now = await bytes(); now !== last; now = await bytes()) {
    last = now
    await sleep(300)
  }
  const after = procSample(server.pid)
  const wallS = (after.at - before.at) / 1000
  return {
    events,
    cpuMs: events ? round(Math.max(0, cpuPercent(before, after) - idle) * 10 * wallS / events, 2) : 0,
    kbSent: events ? round((last - bytesBefore) / 1024 / events, 1) : 0,
  }
}

async function level(size: number, url: string, server: Service): Promise<Level> {
  const load = new LoadGenerator()
  const newcomers = new LoadGenerator()
  try {
    await load.start(WORKERS)
    const started = performance.now()
    const connected = await load.connect([url], size, { concurrency: 25, timeoutMs: 60_000 })
    if (connected.connected < size * 0.99) throw new Error(`only ${connected.connected}/${size} connected: ${connected.firstErrors.join('; ')}`)
    const all = load.owned.flat()
    const viewerCount = Math.max(2, Math.round(size * VIEWERS))
    const viewers = all.filter((_, i) => i % Math.round(size / viewerCount) === 0).slice(0, viewerCount)
    await load.emit(viewers, 'join room', [ROOM])
    const connectSeconds = round((performance.now() - started) / 1000, 1)
    await sleep(1000)

    // Messages: a few senders among the viewers.
    const senders = viewers.slice(0, 5)
    const step = await runStep(load, { rate: RATE, senders, durationMs: STEP_MS, room: ROOM, watch: [server], members: connected.connected })
    const message = {
      rate: step.achievedRate,
      p50: step.latency.p50,
      p99: step.latency.p99,
      lost: step.lost,
      cpuMsPerMessage: step.achievedRate ? round(step.processes[server.name]!.cpuPercent * 10 / step.achievedRate, 2) : 0,
    }

    // Presence: people who were not looking open the room, then leave it, one at a time.
    const lookers = all.filter(g => !viewers.includes(g)).slice(0, EVENTS / 2)
    const presence = await measure(server, [load], async () => {
      await load.emit(lookers, 'join room', [ROOM])
      await load.emit(lookers, 'leave room', [ROOM], false)
      return lookers.length * 2
    })

    // Typing: one indicator from each of several viewers.
    const typists = viewers.slice(0, EVENTS)
    const typing = await measure(server, [load], async () => {
      await load.emit(typists, 'typing', [ROOM], false)
      return typists.length
    })

    // Signing in: newcomers' first connection is announced to everyone ('user joined').
    await newcomers.start(1)
    const signIn = await measure(server, [load, newcomers], async () => (await newcomers.connect([url], EVENTS, { concurrency: 1 })).connected)

    return { members: connected.connected, viewers: viewers.length, connectSeconds, message, presence, typing, signIn }
  }
  finally {
    await newcomers.close()
    await load.close()
  }
}

main('bigroom', smoke ? 120_000 : 30 * 60_000, async () => {
  requireBuild()
  log(`big room: ${SIZES.join(', ')} members of "${ROOM}", ${Math.round(VIEWERS * 100)} % viewing it, ${RATE} msg/s from 5 senders, ${EVENTS} presence, typing and sign-in events`)
  const levels: Level[] = []
  for (const size of SIZES) {
    // A fresh server per size, so one size's sockets and caches do not weigh on the next.
    const db = await database()
    const server = await app({ dynamodbEndpoint: db.endpoint })
    try {
      log(`\n== ${size} members ==`)
      const result = await level(size, server.url, server)
      levels.push(result)
      log(`  connected in ${result.connectSeconds} s; message p99 ${result.message.p99} ms, ${result.message.cpuMsPerMessage} CPU ms each; presence ${result.presence.cpuMs} ms / ${result.presence.kbSent} KB; typing ${result.typing.cpuMs} ms / ${result.typing.kbSent} KB; sign-in ${result.signIn.cpuMs} ms / ${result.signIn.kbSent} KB`)
    }
    finally {
      await server.stop()
      await db.stop()
    }
  }
  log(`\n${table(levels.map(l => ({
    'members': l.members,
    'viewers': l.viewers,
    'msg p50/p99 ms': `${l.message.p50}/${l.message.p99}`,
    'lost': l.message.lost,
    'CPU ms/msg': l.message.cpuMsPerMessage,
    'presence CPU ms / KB': `${l.presence.cpuMs} / ${l.presence.kbSent}`,
    'typing CPU ms / KB': `${l.typing.cpuMs} / ${l.typing.kbSent}`,
    'sign-in CPU ms / KB': `${l.signIn.cpuMs} / ${l.signIn.kbSent}`,
  })))}`)
  report('bigroom', { config: { sizes: SIZES, viewers: VIEWERS, rate: RATE, events: EVENTS, workers: WORKERS, smoke }, summary: { levels: levels.map(l => ({ members: l.members, messageP99: l.message.p99, presence: l.presence, typing: l.typing, signIn: l.signIn })) }, levels })
})
