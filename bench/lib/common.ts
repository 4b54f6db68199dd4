// Shared helpers of the benchmark scripts: arguments, child-process bookkeeping with hard
// timeouts, /proc sampling, statistics and result files. Node 24 runs this file directly.
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { parseArgs } from 'node:util'
import { NODE, ROOT, freePort, startApp, startDatabase, waitUntil, type AppOptions, type Running } from '../../test/support/processes.ts'

export { NODE, ROOT, freePort }

export const RESULTS_DIR = `${ROOT}bench/results`
export const BENCH_ENV = {
  // Per-user send limits are far above what a person types; lift them so the benchmark measures throughput.
  MESSAGE_BURST: '1000000',
  MESSAGES_PER_SECOND: '1000000',
  // The page benchmark's reader creates the rooms of a working team's sidebar.
  ROOMS_PER_HOUR: '1000',
  LOG_LEVEL: 'warn',
  // `SEARCH_INDEX=off npm run bench:fanout` measures the send path without the search index.
  SEARCH_INDEX: process.env.SEARCH_INDEX ?? 'on',
}

// ---------------------------------------------------------------- arguments

export type Options = Record<string, { type: 'string' | 'boolean', default?: string | boolean }>

export function args<T extends Options>(options: T): { smoke: boolean, values: Record<keyof T, string | boolean | undefined> } {
  const { values } = parseArgs({ options: { ...options, smoke: { type: 'boolean' as const, default: false } }, allowPositionals: false, strict: true })
  const parsed = values as Record<string, string | boolean | undefined>
  return { smoke: Boolean(parsed.smoke), values: parsed as Record<keyof T, string | boolean | undefined> }
}

export function num(value: unknown, fallback: number): number {
  if (value === undefined || value === '') return fallback
  const n = Number(value)
  if (!Number.isFinite(n)) throw new Error(`not a number: ${String(value)}`)
  return n
}

// ---------------------------------------------------------------- processes and cleanup

const children = new Set<ChildProcess>()
const cleanups: (() => Promise<unknown> | unknown)[] = []

/** Remembers a child process so that it is killed when the benchmark ends, fails or times out. */
export function own<T extends ChildProcess>(child: T): T {
  children.add(child)
  child.once('exit', () => children.delete(child))
  return child
}

export function onCleanup(fn: () => Promise<unknown> | unknown): void {
  cleanups.push(fn)
}

let cleaning: Promise<void> | undefined
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const fn of cleanups.reverse()) {
      await Promise.race([Promise.resolve().then(fn).catch(() => {}), sleep(5000)])
    }
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  })()
  return cleaning
}

/**
 * Runs a benchmark's main function under a hard deadline: on timeout, error or Ctrl-C every child
 * process it started is stopped and the process exits non-zero.
 */
export function main(name: string, hardTimeoutMs: number, fn: () => Promise<unknown>): void {
  const timer = setTimeout(async () => {
    process.stderr.write(`\n${name}: hard timeout after ${Math.round(hardTimeoutMs / 1000)} s, stopping\n`)
    await cleanup()
    process.exit(3)
  }, hardTimeoutMs)
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, async () => {
      await cleanup()
      process.exit(130)
    })
  }
  fn().then(async () => {
    clearTimeout(timer)
    await cleanup()
    process.exit(0)
  }, async (error: unknown) => {
    clearTimeout(timer)
    process.stderr.write(`\n${name} failed: ${(error as Error)?.stack ?? String(error)}\n`)
    await cleanup()
    process.exit(1)
  })
}

export function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms))
}

export function log(line: string): void {
  process.stderr.write(`${line}\n`)
}

let snapshot: string | undefined

/**
 * The production build this benchmark runs: a private copy of .output taken once per process, because
 * other people rebuild .output while a benchmark is running (a run once lost its server mid-way).
 */
export function requireBuild(): string {
  if (snapshot) return snapshot
  if (!existsSync(`${ROOT}.output/server/index.mjs`)) {
    throw new Error('No production build: run `npx nuxt build` first (the benchmarks run .output/server/index.mjs)')
  }
  const dir = `${RESULTS_DIR}/output-${process.pid}`
  mkdirSync(RESULTS_DIR, { recursive: true })
  cpSync(`${ROOT}.output`, dir, { recursive: true, verbatimSymlinks: true })
  onCleanup(() => rmSync(dir, { recursive: true, force: true }))
  snapshot = dir
  return dir
}

/** True when the built server contains the Socket.io plugin (the lead's server/plugins/socket.io.ts). */
export function buildHasSocketServer(): boolean {
  return existsSync(`${ROOT}server/plugins/socket.io.ts`)
}

export interface Service {
  name: string
  pid: number
  url?: string
  stop: () => Promise<unknown>
}

export async function database(extraEnv: Record<string, string> = {}): Promise<Service & { endpoint: string }> {
  // startDatabase inherits this process's environment; NODE_OPTIONS (e.g. --cpu-prof) reaches it that way.
  const saved = process.env.NODE_OPTIONS
  if (extraEnv.NODE_OPTIONS) process.env.NODE_OPTIONS = extraEnv.NODE_OPTIONS
  let db: Running & { endpoint: string }
  try {
    db = await startDatabase()
  }
  finally {
    if (saved === undefined) delete process.env.NODE_OPTIONS
    else process.env.NODE_OPTIONS = saved
  }
  own(db.process)
  const service = { name: 'dynalite', pid: db.process.pid!, endpoint: db.endpoint, stop: () => db.stop() }
  onCleanup(service.stop)
  return service
}

export async function app(options: AppOptions & { name?: string }): Promise<Service & { url: string, running: Running }> {
  const running = await startApp({ outputDir: requireBuild(), ...options, env: { ...BENCH_ENV, ...options.env } })
  own(running.process)
  const service = { name: options.name ?? 'app', pid: running.process.pid!, url: running.url, running, stop: () => running.stop() }
  onCleanup(service.stop)
  return service
}

/** The bare reference Socket.io server (bench/bare-server.ts) on a free port. */
export async function bareServer(extraArgs: string[] = []): Promise<Service & { url: string }> {
  const child = own(spawn(NODE, [...extraArgs, `${ROOT}bench/bare-server.ts`, '--port', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] }))
  const [line] = await Promise.race([
    once(child.stdout!, 'data') as Promise<[Buffer]>,
    once(child, 'exit').then(() => { throw new Error('bare server did not start') }),
  ])
  const { url } = JSON.parse(line.toString().split('\n')[0]!) as { url: string }
  const exited = once(child, 'exit')
  const service = {
    name: 'bare',
    pid: child.pid!,
    url,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      await exited
    },
  }
  onCleanup(service.stop)
  return service
}

/** A throwaway redis-server in the foreground on a free loopback port, no persistence. */
export async function redis(): Promise<Service & { url: string }> {
  const port = await freePort()
  const child = own(spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning'], { stdio: ['ignore', 'pipe', 'pipe'] }))
  let output = ''
  child.stdout!.on('data', (c: Buffer) => { output += c })
  child.stderr!.on('data', (c: Buffer) => { output += c })
  const { connect } = await import('node:net')
  await waitUntil(() => new Promise<boolean>((resolve) => {
    if (child.exitCode !== null) throw new Error(`redis-server exited: ${output}`)
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => { socket.destroy(); resolve(true) })
    socket.once('error', () => resolve(false))
  }), 5000, () => `redis-server did not start: ${output}`)
  const exited = once(child, 'exit')
  const service = {
    name: 'redis',
    pid: child.pid!,
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      await exited
    },
  }
  onCleanup(service.stop)
  return service
}

// ---------------------------------------------------------------- /proc sampling

const TICKS_PER_SECOND = 100 // getconf CLK_TCK on Linux x86-64
const PAGE_SIZE = 4096

export interface ProcSample {
  at: number
  /** CPU seconds (user + system) since the process started. */
  cpu: number
  rssKb: number
}

export function procSample(pid: number): ProcSample {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  // After "(comm) ": field 3 is state, so utime (14) is index 11, stime (15) index 12, rss (24) index 21.
  const cpu = (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND
  const rssKb = Number(fields[21]) * PAGE_SIZE / 1024
  return { at: performance.now(), cpu, rssKb }
}

/** Whole-machine CPU time so far (all cores, busy and total), from /proc/stat, in seconds. */
export function machineSample(): { at: number, busy: number, total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number)
  const total = line.reduce((a, b) => a + b, 0)
  const idle = (line[3] ?? 0) + (line[4] ?? 0) // idle + iowait
  return { at: performance.now(), busy: (total - idle) / TICKS_PER_SECOND, total: total / TICKS_PER_SECOND }
}

/** CPU use between two samples, in percent of one core. */
export function cpuPercent(a: ProcSample, b: ProcSample): number {
  const wall = (b.at - a.at) / 1000
  return wall > 0 ? round(100 * (b.cpu - a.cpu) / wall, 1) : 0
}

export function openFds(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length
  }
  catch {
    return -1
  }
}

// ---------------------------------------------------------------- statistics

export function round(n: number, digits = 2): number {
  const f = 10 ** digits
  return Math.round(n * f) / f
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p / 100 * sorted.length) - 1))
  return sorted[index]!
}

export function median(values: number[]): number {
  return percentile([...values].sort((a, b) => a - b), 50)
}

/** Least-squares slope of y over x. */
export function slope(xs: number[], ys: number[]): number {
  const n = xs.length
  if (n < 2) return 0
  const mx = xs.reduce((a, b) => a + b, 0) / n
  const my = ys.reduce((a, b) => a + b, 0) / n
  let num = 0
  let den = 0
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my)
    den += (xs[i]! - mx) ** 2
  }
  return den === 0 ? 0 : num / den
}

// ---------------------------------------------------------------- results

function machine() {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGb: round(totalmem() / 2 ** 30, 1),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  }
}

/**
 * Writes the result to bench/results/<name>-<time>.json and <name>-latest.json and prints it as one
 * JSON line on stdout (the human-readable summary goes to stderr).
 */
export function report(name: string, result: Record<string, unknown>): void {
  const full = { bench: name, at: new Date().toISOString(), machine: machine(), ...result }
  mkdirSync(RESULTS_DIR, { recursive: true })
  const json = JSON.stringify(full)
  writeFileSync(`${RESULTS_DIR}/${name}-${full.at.replace(/[:.]/g, '-')}.json`, `${JSON.stringify(full, null, 2)}\n`)
  writeFileSync(`${RESULTS_DIR}/${name}-latest.json`, `${JSON.stringify(full, null, 2)}\n`)
  process.stdout.write(`${json}\n`)
}

export function readLatest(name: string): Record<string, unknown> | null {
  try {
    return JSON.parse(readFileSync(`${RESULTS_DIR}/${name}-latest.json`, 'utf8'))
  }
  catch {
    return null
  }
}

export function table(rows: Record<string, unknown>[]): string {
  if (!rows.length) return ''
  const keys = Object.keys(rows[0]!)
  const widths = keys.map(k => Math.max(k.length, ...rows.map(r => String(r[k] ?? '').length)))
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i]!)).join('  ')
  return [line(keys), ...rows.map(r => line(keys.map(k => String(r[k] ?? ''))))].join('\n')
}
