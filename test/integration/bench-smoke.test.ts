import { spawn } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { NODE, ROOT } from '../support/processes.ts'

// Keeps the benchmarks working: every scenario at tiny sizes. Only correctness is asserted
// (results produced, nothing lost or out of order); timings are for `npm run bench`, not tests.
describe('the benchmark suite', () => {
  it('runs every scenario and reports each, losing nothing', async () => {
    const child = spawn(NODE, ['bench/all.ts', '--smoke'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk })
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk })
    const code = await new Promise<number | null>(resolve => child.on('exit', resolve))
    expect(code, stderr.slice(-2000)).toBe(0)
    const results = Object.fromEntries(stdout.split('\n').filter(line => line.startsWith('{')).map((line) => {
      const result = JSON.parse(line)
      return [result.bench, result.summary]
    }))
    expect(Object.keys(results).sort()).toEqual(['coldstart', 'fanout', 'idle', 'pages', 'rooms', 'search', 'soak', 'weight'])
    // Every target ran and delivered everything in order; whether it met its latency bound on a
    // busy machine is the benchmark's business, not this test's.
    for (const target of ['bare', 'floor', 'app', 'app2']) {
      expect(results.fanout.delivery[target], target).toMatchObject({ lost: 0, outOfOrder: 0 })
      expect(results.fanout.delivery[target].steps, target).toBeGreaterThan(0)
    }
    expect(results.idle.errors).toBe(0)
    // Endpoints are keyed by their path; firstByteMs is the concurrency-1 comparison.
    const { firstByteMs, ...endpoints } = results.pages
    for (const endpoint of Object.values(endpoints) as { ok: boolean }[]) expect(endpoint.ok).toBe(true)
    expect(firstByteMs).toMatchObject({ page: expect.any(Number), history: expect.any(Number), ratio: expect.any(Number) })
    expect(results.coldstart.medianMs).toEqual(expect.any(Number))
    expect(results.coldstart.firstVsWarmMedian).toEqual(expect.any(Number))
    expect(results.weight.files).toBeGreaterThan(0)
    expect(results.weight.wireKb).toBeLessThan(results.weight.rawKb) // compressed on the wire
    expect(results.weight.readyToTypeMedianMs).toEqual(expect.any(Number))
    expect(results.rooms).toMatchObject({ errors: 0, healthErrors: 0, rooms: 30, healthMs: { max: expect.any(Number) }, rssAfterMb: expect.any(Number) })
    expect(results.rooms.roomsPerListing).toBeGreaterThanOrEqual(30)
    // Search: every query kind answered with hits, and the send path lost nothing with indexing on or off.
    expect(results.search).toMatchObject({ messages: 1000, lost: 0, indexing: { perSecond: expect.any(Number) } })
    for (const kind of ['one word', 'two words', 'prefix', 'filtered']) expect(results.search.queries[kind].p99, kind).toEqual(expect.any(Number))
    expect(results.search.queries['one word'].meanHits).toBeGreaterThan(0)
    expect(results.search.hotPath[0].appCpuRatio).toEqual(expect.any(Number))
    expect(results.soak).toMatchObject({ lost: 0, outOfOrder: 0, ackErrors: 0 })
    expect(results.soak.received).toBe(results.soak.expected)
  }, 300_000)
})
