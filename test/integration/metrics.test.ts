import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { METRICS_DIMENSION, METRICS_NAMESPACE } from '../../server/core/metrics.ts'
import { startOneInstance, type OneInstance } from '../support/cluster.ts'
import { call, closeAll, signedInGuest } from '../support/sockets.ts'

// The production build publishes its figures as CloudWatch embedded metric format lines in its
// logs (infra/monitoring.yml alarms on them): one record per interval, here one a second.
let instance: OneInstance

beforeAll(async () => {
  instance = await startOneInstance({ env: { METRICS_SERVICE: 'chat-under-test', METRICS_INTERVAL_SECONDS: '1' } })
})
afterAll(async () => {
  closeAll()
  await instance?.stop()
})

interface Record { _aws?: { CloudWatchMetrics: { Namespace: string, Dimensions: string[][], Metrics: { Name: string }[] }[] }, [name: string]: unknown }

function records(): Record[] {
  return instance.app.output().split('\n').filter(line => line.includes('"_aws"')).map(line => JSON.parse(line) as Record)
}

describe('the metrics in the logs', () => {
  it('count a message sent through the production build, with its acknowledgement time, in an embedded-metric-format record', async () => {
    const { socket } = await signedInGuest(instance.app.url)
    const [err] = await call(socket, 'new message', { room: 'general', message: 'counted once' })
    expect(err).toBeNull()
    // The send and its acknowledgement may fall on either side of a flush: read them across records.
    const total = (name: string) => records().reduce((sum, r) => sum + (Array.isArray(r[name]) ? (r[name] as number[]).length : Number(r[name] ?? 0)), 0)
    await expect.poll(() => [total('MessagesStored'), total('AckLatency'), total('DeliveryLatency')], { timeout: 10_000 }).toEqual([1, 1, 1])
    const record = records().find(r => Number(r.MessagesStored) === 1)!
    expect(record._aws!.CloudWatchMetrics[0]).toMatchObject({ Namespace: METRICS_NAMESPACE, Dimensions: [[METRICS_DIMENSION]] })
    expect(record[METRICS_DIMENSION]).toBe('chat-under-test')
    expect(record._aws!.CloudWatchMetrics[0]!.Metrics.map(m => m.Name)).toEqual(expect.arrayContaining(['MessagesStored', 'ConnectedSockets', 'RelayLosses', 'RateLimitRefusals', 'CatchUpsServed']))
    expect(record.ConnectedSockets).toBeGreaterThanOrEqual(1)
  })
})
