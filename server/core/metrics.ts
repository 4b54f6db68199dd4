/**
 * Application metrics as CloudWatch embedded metric format (EMF): the app counts and times in
 * memory, and once per interval writes ONE JSON line to stdout that CloudWatch Logs turns into
 * metrics (namespace FargateChat, one dimension: Service). No agent, no API calls, no per-message
 * output: the hot path only bumps a counter or keeps a sample.
 *
 *   metrics.count('MessagesStored')               // +1 (or + n)
 *   metrics.timing('AckLatency', ms)              // one observation in milliseconds
 *   const stop = metrics.gauge('ConnectedSockets', () => io.engine.clientsCount)
 *   flushMetrics()                                // on shutdown: write what is pending now
 *
 * Environment: METRICS_SERVICE (the Service dimension; unset: metrics off, so development and
 * tests print nothing unless asked) and METRICS_INTERVAL_SECONDS (default 60).
 *
 * Why not the `aws-embedded-metrics` package: it models one metrics context per unit of work and
 * writes a line per context (splitting past 100 values per metric into more lines), so at thousands
 * of messages a second it would still need this aggregation on top; it also probes for agents and
 * ECS metadata we do not use. What EMF needs here is one JSON object, about 100 lines of code.
 *
 * Latencies: EMF takes an array of up to 100 values per metric per record, from which CloudWatch
 * computes percentiles (p99 alarms). Past 100 observations in an interval, a uniform random sample
 * of 100 is kept (reservoir sampling), so percentiles stay unbiased estimates; the record also
 * carries the true count and maximum in plain (non-metric) fields for reading the logs.
 */

/** Every metric the app emits, its CloudWatch unit and how it is recorded. Alarms may name only these. */
export const METRICS = {
  MessagesStored: { unit: 'Count', kind: 'count' },
  AckLatency: { unit: 'Milliseconds', kind: 'timing' },
  DeliveryLatency: { unit: 'Milliseconds', kind: 'timing' },
  ConnectedSockets: { unit: 'Count', kind: 'gauge' },
  CatchUpsServed: { unit: 'Count', kind: 'count' },
  RelayLosses: { unit: 'Count', kind: 'count' },
  RateLimitRefusals: { unit: 'Count', kind: 'count' },
  SearchIndexLag: { unit: 'Milliseconds', kind: 'timing' },
} as const satisfies Record<string, { unit: 'Count' | 'Milliseconds', kind: 'count' | 'timing' | 'gauge' }>

export type MetricName = keyof typeof METRICS
type NamesOfKind<K> = { [N in MetricName]: typeof METRICS[N]['kind'] extends K ? N : never }[MetricName]
export type CountMetric = NamesOfKind<'count'>
export type TimingMetric = NamesOfKind<'timing'>
export type GaugeMetric = NamesOfKind<'gauge'>

export const METRICS_NAMESPACE = 'FargateChat'
/** The one dimension of every metric; its value is METRICS_SERVICE (the task definition sets it). */
export const METRICS_DIMENSION = 'Service'
/** The environment variables the recorder reads. */
export const METRICS_ENV = { service: 'METRICS_SERVICE', intervalSeconds: 'METRICS_INTERVAL_SECONDS' } as const

/** EMF's limit of values per metric in one record. */
export const MAX_VALUES_PER_METRIC = 100
const DEFAULT_INTERVAL_SECONDS = 60

export interface MetricsOptions {
  /** Value of the Service dimension. */
  service: string
  intervalSeconds?: number
  /** Where a record goes (one JSON line, without the newline); stdout by default. */
  write?: (line: string) => void
  now?: () => number
  random?: () => number
}

export interface MetricsRecorder {
  count: (name: CountMetric, n?: number) => void
  timing: (name: TimingMetric, ms: number) => void
  /** Read at every flush; returns a function that stops reading it. */
  gauge: (name: GaugeMetric, read: () => number) => () => void
  /** Writes the pending record now (also when nothing was counted: counts are then 0); returns it. */
  flush: () => EmfRecord
  /** Stops the interval timer (a later call starts it again). */
  stop: () => void
}

export type EmfRecord = Record<string, unknown> & { _aws: { Timestamp: number, CloudWatchMetrics: { Namespace: string, Dimensions: string[][], Metrics: { Name: string, Unit: string }[] }[] } }

interface Sample { values: number[], seen: number, max: number }

export function createMetricsRecorder(options: MetricsOptions): MetricsRecorder {
  const intervalMs = Math.max(1, options.intervalSeconds ?? DEFAULT_INTERVAL_SECONDS) * 1000
  const write = options.write ?? ((line: string) => { process.stdout.write(`${line}\n`) })
  const now = options.now ?? Date.now
  const random = options.random ?? Math.random
  const counts = new Map<CountMetric, number>()
  const samples = new Map<TimingMetric, Sample>()
  const gauges = new Map<GaugeMetric, () => number>()
  let timer: ReturnType<typeof setInterval> | undefined

  // Started by the first use, unref'd: the recorder never keeps the process alive.
  const ensureTimer = () => {
    if (timer) return
    timer = setInterval(() => flush(), intervalMs)
    timer.unref()
  }

  const flush = (): EmfRecord => {
    const definitions: { Name: string, Unit: string }[] = []
    const values: Record<string, number | number[]> = {}
    const observed: Record<string, { count: number, max: number }> = {}
    for (const name of Object.keys(METRICS) as MetricName[]) {
      const { unit, kind } = METRICS[name]
      let value: number | number[] | undefined
      if (kind === 'count') value = counts.get(name as CountMetric) ?? 0
      else if (kind === 'timing') {
        const sample = samples.get(name as TimingMetric)
        if (sample?.seen) {
          value = sample.values
          observed[name] = { count: sample.seen, max: sample.max }
        }
      }
      else {
        const read = gauges.get(name as GaugeMetric)
        try {
          const reading = read?.()
          if (typeof reading === 'number' && Number.isFinite(reading)) value = reading
        }
        catch { /* a failing gauge is left out of this record, not the others */ }
      }
      if (value === undefined) continue
      definitions.push({ Name: name, Unit: unit })
      values[name] = value
    }
    counts.clear()
    samples.clear()
    const timestamp = now()
    const record: EmfRecord = {
      _aws: { Timestamp: timestamp, CloudWatchMetrics: [{ Namespace: METRICS_NAMESPACE, Dimensions: [[METRICS_DIMENSION]], Metrics: definitions }] },
      // Shaped like the app's log lines, so Logs Insights queries find it by event.
      time: new Date(timestamp).toISOString(),
      level: 'info',
      event: 'metrics',
      [METRICS_DIMENSION]: options.service,
      ...values,
      ...(Object.keys(observed).length ? { observed } : {}),
    }
    try {
      write(JSON.stringify(record))
    }
    catch { /* stdout gone (shutdown): metrics are never worth a crash */ }
    return record
  }

  return {
    count(name, n = 1) {
      if (!Number.isFinite(n)) return
      ensureTimer()
      counts.set(name, (counts.get(name) ?? 0) + n)
    },
    timing(name, ms) {
      if (!Number.isFinite(ms)) return
      ensureTimer()
      // Clock differences between machines can make a latency negative: count it as 0.
      const value = Math.round(Math.max(0, ms) * 10) / 10
      let sample = samples.get(name)
      if (!sample) samples.set(name, sample = { values: [], seen: 0, max: 0 })
      sample.seen += 1
      sample.max = Math.max(sample.max, value)
      if (sample.values.length < MAX_VALUES_PER_METRIC) sample.values.push(value)
      else {
        // Reservoir sampling (Algorithm R): every observation ends up in the record with equal chance.
        const slot = Math.floor(random() * sample.seen)
        if (slot < MAX_VALUES_PER_METRIC) sample.values[slot] = value
      }
    },
    gauge(name, read) {
      ensureTimer()
      gauges.set(name, read)
      return () => {
        if (gauges.get(name) === read) gauges.delete(name)
      }
    },
    flush,
    stop() {
      if (timer) clearInterval(timer)
      timer = undefined
    },
  }
}

/** The recorder configured by the environment, or one that records nothing when METRICS_SERVICE is unset. */
function fromEnvironment(env: NodeJS.ProcessEnv = process.env): MetricsRecorder | undefined {
  const service = env[METRICS_ENV.service]?.trim()
  if (!service) return undefined
  const interval = Number(env[METRICS_ENV.intervalSeconds] ?? DEFAULT_INTERVAL_SECONDS)
  return createMetricsRecorder({ service, intervalSeconds: Number.isFinite(interval) && interval > 0 ? interval : DEFAULT_INTERVAL_SECONDS })
}

let current: MetricsRecorder | null | undefined
const recorder = (): MetricsRecorder | null => current === undefined ? (current = fromEnvironment() ?? null) : current

/** The app's recorder (configured from the environment on first use). */
export const metrics = {
  count: (name: CountMetric, n = 1): void => recorder()?.count(name, n),
  timing: (name: TimingMetric, ms: number): void => recorder()?.timing(name, ms),
  gauge: (name: GaugeMetric, read: () => number): (() => void) => recorder()?.gauge(name, read) ?? (() => {}),
}

/** Writes the pending record now and stops the timer (call it on shutdown); nothing when metrics are off. */
export function flushMetrics(): EmfRecord | undefined {
  const active = recorder()
  if (!active) return undefined
  active.stop()
  return active.flush()
}
