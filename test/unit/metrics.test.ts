import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  createMetricsRecorder, MAX_VALUES_PER_METRIC, METRICS, METRICS_DIMENSION, METRICS_NAMESPACE,
  type EmfRecord, type MetricsOptions,
} from '../../server/core/metrics.ts'

/** A recorder whose lines land in an array. */
function recording(options: Partial<MetricsOptions> = {}) {
  const lines: string[] = []
  const recorder = createMetricsRecorder({ service: 'chat-test', write: line => lines.push(line), ...options })
  return { recorder, lines, records: () => lines.map(line => JSON.parse(line) as EmfRecord) }
}

/**
 * The rules of CloudWatch's embedded metric format specification that a record can break: valid
 * JSON object with _aws.Timestamp (ms) and CloudWatchMetrics directives; every metric a directive
 * names is a root member holding a number or an array of at most 100 numbers; every dimension a
 * root string; at most 100 metrics and 30 dimensions per directive.
 */
function emfProblems(line: string): string[] {
  const problems: string[] = []
  const record = JSON.parse(line) as Record<string, unknown>
  const aws = record._aws as EmfRecord['_aws'] | undefined
  if (!aws || typeof aws.Timestamp !== 'number') return ['no _aws.Timestamp']
  for (const directive of aws.CloudWatchMetrics) {
    if (!directive.Namespace) problems.push('a directive without a namespace')
    if (directive.Metrics.length > 100) problems.push('more than 100 metrics')
    for (const set of directive.Dimensions) {
      if (set.length > 30) problems.push('more than 30 dimensions')
      for (const name of set) if (typeof record[name] !== 'string') problems.push(`dimension ${name} is not a root string`)
    }
    for (const { Name } of directive.Metrics) {
      const value = record[Name]
      const ok = typeof value === 'number' || (Array.isArray(value) && value.length > 0 && value.length <= 100 && value.every(v => typeof v === 'number'))
      if (!ok) problems.push(`metric ${Name} is not a number or an array of 1 to 100 numbers`)
    }
  }
  return problems
}

afterEach(() => {
  vi.useRealTimers()
  vi.unstubAllEnvs()
  vi.resetModules()
})

describe('the metrics recorder', () => {
  it('writes one embedded-metric-format line per flush, in the FargateChat namespace with the Service dimension', () => {
    const { recorder, lines, records } = recording({ now: () => 1_700_000_000_000 })
    recorder.count('MessagesStored')
    recorder.count('MessagesStored', 2)
    recorder.timing('AckLatency', 12.34)
    recorder.flush()
    expect(lines).toHaveLength(1)
    expect(emfProblems(lines[0]!)).toEqual([])
    const [record] = records()
    expect(record!._aws.Timestamp).toBe(1_700_000_000_000)
    expect(record!._aws.CloudWatchMetrics).toEqual([expect.objectContaining({ Namespace: 'FargateChat', Dimensions: [['Service']] })])
    expect(record![METRICS_DIMENSION]).toBe('chat-test')
    expect(record!.MessagesStored).toBe(3)
    expect(record!.AckLatency).toEqual([12.3])
    expect(record!.event).toBe('metrics')
    expect(METRICS_NAMESPACE).toBe('FargateChat')
  })

  it('declares each metric it carries with its unit, and counts that saw nothing as 0', () => {
    const { recorder, records } = recording()
    recorder.timing('DeliveryLatency', 5)
    recorder.flush()
    const [record] = records()
    const declared = record!._aws.CloudWatchMetrics[0]!.Metrics
    expect(declared).toEqual(expect.arrayContaining([
      { Name: 'DeliveryLatency', Unit: 'Milliseconds' },
      { Name: 'MessagesStored', Unit: 'Count' },
      { Name: 'RelayLosses', Unit: 'Count' },
    ]))
    for (const { Name, Unit } of declared) expect(METRICS[Name as keyof typeof METRICS].unit).toBe(Unit)
    expect(record!.RelayLosses).toBe(0)
    // No observation, no empty array: EMF needs at least one value.
    expect(declared.map(d => d.Name)).not.toContain('AckLatency')
    expect(record!.AckLatency).toBeUndefined()
  })

  it('starts every interval afresh', () => {
    const { recorder, records } = recording()
    recorder.count('CatchUpsServed', 4)
    recorder.timing('SearchIndexLag', 30)
    recorder.flush()
    recorder.flush()
    const [first, second] = records()
    expect([first!.CatchUpsServed, second!.CatchUpsServed]).toEqual([4, 0])
    expect(second!.SearchIndexLag).toBeUndefined()
  })

  it('never writes a line per observation: 10,000 messages make one record of bounded size', () => {
    const { recorder, lines } = recording()
    for (let i = 0; i < 10_000; i++) {
      recorder.count('MessagesStored')
      recorder.timing('AckLatency', i % 250)
      recorder.timing('DeliveryLatency', i % 400)
    }
    expect(lines).toHaveLength(0)
    recorder.flush()
    expect(lines).toHaveLength(1)
    expect(emfProblems(lines[0]!)).toEqual([])
    // Far below the 16 KB at which container log drivers split a line.
    expect(lines[0]!.length).toBeLessThan(4_000)
  })

  it('keeps at most 100 latencies, a uniform sample of all of them, with the true count and maximum beside', () => {
    let seed = 42
    // A small deterministic generator (mulberry32), so the sample is the same on every run.
    const random = () => {
      seed = (seed + 0x6D2B79F5) | 0
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296
    }
    const { recorder, records } = recording({ random })
    for (let ms = 1; ms <= 10_000; ms++) recorder.timing('AckLatency', ms)
    recorder.flush()
    const [record] = records()
    const values = record!.AckLatency as number[]
    expect(values).toHaveLength(MAX_VALUES_PER_METRIC)
    expect(new Set(values).size).toBe(MAX_VALUES_PER_METRIC)
    // A uniform sample of 1..10000: its mean is near 5,000 and it reaches both ends of the range.
    const mean = values.reduce((a, b) => a + b, 0) / values.length
    expect(mean).toBeGreaterThan(4_000)
    expect(mean).toBeLessThan(6_000)
    expect(Math.min(...values)).toBeLessThan(1_000)
    expect(Math.max(...values)).toBeGreaterThan(9_000)
    expect(record!.observed).toEqual({ AckLatency: { count: 10_000, max: 10_000 } })
  })

  it('ignores values that are not numbers and counts a negative latency as 0', () => {
    const { recorder, records } = recording()
    recorder.timing('AckLatency', Number.NaN)
    recorder.timing('AckLatency', Number.POSITIVE_INFINITY)
    recorder.timing('AckLatency', -3)
    recorder.count('RateLimitRefusals', Number.NaN)
    recorder.flush()
    const [record] = records()
    expect(record!.AckLatency).toEqual([0])
    expect(record!.RateLimitRefusals).toBe(0)
  })

  it('reads gauges at flush time, leaves out one that fails, and stops reading one unregistered', () => {
    const { recorder, records } = recording()
    let sockets = 3
    const stop = recorder.gauge('ConnectedSockets', () => sockets)
    sockets = 7
    recorder.flush()
    stop()
    recorder.flush()
    recorder.gauge('ConnectedSockets', () => { throw new Error('socket server closed') })
    recorder.flush()
    const [read, unregistered, failed] = records()
    expect(read!.ConnectedSockets).toBe(7)
    expect(read!._aws.CloudWatchMetrics[0]!.Metrics).toContainEqual({ Name: 'ConnectedSockets', Unit: 'Count' })
    expect(unregistered!.ConnectedSockets).toBeUndefined()
    expect(failed!.ConnectedSockets).toBeUndefined()
    expect(emfProblems(JSON.stringify(failed))).toEqual([])
  })

  it('writes on its own once per interval after the first observation', () => {
    vi.useFakeTimers()
    const { recorder, lines } = recording({ intervalSeconds: 10 })
    vi.advanceTimersByTime(60_000)
    expect(lines).toHaveLength(0)
    recorder.count('MessagesStored')
    vi.advanceTimersByTime(10_000)
    expect(lines).toHaveLength(1)
    vi.advanceTimersByTime(20_000)
    expect(lines).toHaveLength(3)
    recorder.stop()
    vi.advanceTimersByTime(60_000)
    expect(lines).toHaveLength(3)
  })

  it('survives a closed output', () => {
    const recorder = createMetricsRecorder({ service: 's', write: () => { throw new Error('EPIPE') } })
    recorder.count('MessagesStored')
    expect(() => recorder.flush()).not.toThrow()
  })
})

describe('the app\'s recorder from the environment', () => {
  it('records nothing and writes nothing without METRICS_SERVICE', async () => {
    vi.stubEnv('METRICS_SERVICE', '')
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true)
    try {
      const { metrics, flushMetrics } = await import('../../server/core/metrics.ts')
      metrics.count('MessagesStored')
      expect(metrics.gauge('ConnectedSockets', () => 1)).toBeTypeOf('function')
      expect(flushMetrics()).toBeUndefined()
      expect(write).not.toHaveBeenCalled()
    }
    finally {
      write.mockRestore()
    }
  })

  it('writes the service\'s record to stdout on flushMetrics, with the Service from METRICS_SERVICE', async () => {
    vi.stubEnv('METRICS_SERVICE', 'fargate-chat-service')
    vi.stubEnv('METRICS_INTERVAL_SECONDS', '3600')
    const written: string[] = []
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk))
      return true
    })
    try {
      const { metrics, flushMetrics } = await import('../../server/core/metrics.ts')
      metrics.count('MessagesStored', 2)
      metrics.timing('AckLatency', 8)
      const record = flushMetrics()
      expect(written).toHaveLength(1)
      expect(written[0]!.endsWith('\n')).toBe(true)
      expect(JSON.parse(written[0]!)).toEqual(record)
      expect(record).toMatchObject({ Service: 'fargate-chat-service', MessagesStored: 2, AckLatency: [8] })
    }
    finally {
      write.mockRestore()
    }
  })
})
