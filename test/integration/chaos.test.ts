import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { problems, SHORT_TIMINGS } from '../../bench/chaos.ts'
import { startChaosCluster, type ChaosCluster } from '../../bench/lib/chaos-cluster.ts'
import { runScenario } from '../../bench/lib/chaos-run.ts'

// The short version of `npm run chaos`: the same clients (the browser's catch-up code), cluster and
// counting, for the two faults that hid messages before, with short waits.
let cluster: ChaosCluster
beforeAll(async () => {
  cluster = await startChaosCluster()
}, 120_000)
afterAll(async () => cluster?.stop())

describe('chaos, short', () => {
  it('shows every person every acknowledged message once and in order through a Redis kill and restart, with senders on both instances, and presence comes right', async () => {
    const row = await runScenario(cluster, 'redis-kill', SHORT_TIMINGS, 10)
    expect(problems(row)).toEqual([])
    // Relays were lost on the way, and catching up is what brought those messages.
    expect(row.relayLosses).toBeGreaterThan(0)
    expect(row.caughtUp).toBeGreaterThan(0)
  }, 120_000)

  it('loses, hides, doubles and reorders nothing when an instance is killed and its people reconnect to the other, and presence comes right', async () => {
    const row = await runScenario(cluster, 'instance-kill', SHORT_TIMINGS, 10)
    expect(problems(row)).toEqual([])
    expect(row.reconnects).toBeGreaterThan(0)
  }, 120_000)
})
