// One chaos scenario: browser-like clients on both instances in two rooms, senders on both
// instances sending throughout, one fault, then what every person ended up seeing, counted.
// Node 24 runs this file directly.
import { io } from 'socket.io-client'
import type { Balancer } from './balancer.ts'
import { ChatClient } from './chat-client.ts'
import { CHAOS_ORIGIN, countedSince, loggedSince, type ChaosCluster } from './chaos-cluster.ts'
import { faults, type ChaosTimings, type ScenarioName } from './chaos-faults.ts'
import { count, presenceIsRight, presenceProblems, type Acked, type ChaosRow } from './chaos-count.ts'
import { log, sleep } from './cli.ts'

const ROOMS = ['fargate', 'lambda'] as const

/** How often presence is sampled. */
const SAMPLE_MS = 250

/**
 * Runs one scenario on fresh guests: `clients` of them (at least 4), alternately behind the
 * balancer preferring A and the one preferring B, alternately in each room; in each room the
 * first client on A and the first on B send throughout. The transport-cut scenario adds one more
 * reader behind a balancer of its own, whose connection is then cut.
 */
export async function runScenario(cluster: ChaosCluster, scenario: ScenarioName, timings: ChaosTimings, clients = 12): Promise<ChaosRow> {
  const startedAt = Date.now()
  const people: ChatClient[] = await Promise.all(Array.from({ length: clients }, (_, i) => {
    const balancer = i % 2 === 0 ? cluster.toA : cluster.toB
    const room = ROOMS[(i >> 1) % 2]!
    return ChatClient.open({ url: balancer.url, origin: CHAOS_ORIGIN, rooms: [room], view: room })
  }))
  const fault = faults[scenario]
  let victim: Balancer | undefined
  if (fault.victim) {
    victim = await cluster.balancer()
    people.push(await ChatClient.open({ url: victim.url, origin: CHAOS_ORIGIN, rooms: [ROOMS[0]], view: ROOMS[0] }))
  }
  try {
    // Everyone sees everyone before anything breaks.
    await until(() => presenceIsRight(people), 30_000, 'presence before the fault')
    const senders = ROOMS.flatMap((_, r) => [people[2 * r]!, people[2 * r + 1]!])
    const acked: Acked[] = []
    let refusals = 0
    let sending = true
    const loops = senders.map(async (sender, s) => {
      for (let seq = 0; sending; seq++) {
        const message = await sender.send(sender.view, `${scenario} sender ${s} #${seq}`, () => refusals++)
        if (message) acked.push({ message, sender: s, seq })
        await sleep(timings.sendEveryMs)
      }
    })
    await sleep(timings.warmupMs)
    const samples: { at: number, right: boolean }[] = []
    const sampler = setInterval(() => samples.push({ at: Date.now(), right: presenceIsRight(people) }), SAMPLE_MS)
    const faultEnd = await fault.run(cluster, timings, victim)
    await sleep(timings.afterMs)
    sending = false
    // Sends still on their way finish (each retries under its client id until acknowledged).
    await Promise.race([Promise.all(loops), sleep(timings.settleMs)])
    const senderOf = new Map(acked.map(a => [a.message.id, senders[a.sender]!]))
    const settled = await until(() => people.every(p => acked.every(a => a.message.room !== p.view || p === senderOf.get(a.message.id) || p.arrivals.has(a.message.id))), timings.settleMs, '').then(() => true, () => false)
    await sleep(Math.max(0, faultEnd + timings.observeMs - Date.now()))
    clearInterval(sampler)
    const lastWrong = samples.filter(s => s.at >= faultEnd && !s.right).at(-1)
    const presenceRightAfterMs = samples.at(-1)?.right === false ? null : lastWrong ? lastWrong.at - faultEnd + SAMPLE_MS : 0
    if (presenceRightAfterMs === null) log(`  presence still wrong: ${presenceProblems(people).slice(0, 4).join('; ')}`)
    const row = await count({ scenario, cluster, people, senders, acked, since: startedAt })
    for (const line of loggedSince(cluster.instances, 'error', startedAt).slice(0, 5)) log(`  instance error: ${line.slice(0, 400)}`)
    return {
      ...row,
      settled,
      refusals,
      presenceRightAfterMs,
      catchUpsServed: countedSince(cluster.instances, 'CatchUpsServed', startedAt),
      relayLosses: countedSince(cluster.instances, 'RelayLosses', startedAt),
    }
  }
  finally {
    for (const person of people) person.close()
    await fault.restore?.(cluster)
    await cleanSlate(cluster)
  }
}

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(100)
  }
}

/** Waits until nobody is online any more (the next scenario counts its own people). */
async function cleanSlate(cluster: ChaosCluster): Promise<void> {
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    const socket = io(cluster.toA.url, { transports: ['websocket'], forceNew: true, reconnection: false })
    const online = await new Promise<number>((resolve) => {
      socket.once('presence', ({ numUsers }: { numUsers: number }) => resolve(numUsers))
      socket.once('connect_error', () => resolve(-1))
    })
    socket.disconnect()
    if (online === 0) return
    await sleep(1000)
  }
  throw new Error('people of the last scenario were still online after 60 s')
}
