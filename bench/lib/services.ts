// What a benchmark runs against: the production build, the database, app instances, the bare
// Socket.io reference server and Redis, each stopped when the benchmark ends.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs'
import { NODE, ROOT, startApp, startDatabase, type AppOptions, type Running } from '../../test/support/processes.ts'
import { startRedis } from '../../test/support/redis.ts'
import { onCleanup, own } from './cli.ts'
import { RESULTS_DIR } from './results.ts'

export const BENCH_ENV = {
  // Per-user send limits are far above what a person types; lift them so the benchmark measures throughput.
  MESSAGE_BURST: '1000000',
  MESSAGES_PER_SECOND: '1000000',
  // One room takes the whole load here; in AWS a room's partition caps it (docs/capacity.md).
  ROOM_WRITE_UNITS_PER_SECOND: '1000000',
  // The page benchmark's reader creates the rooms of a working team's sidebar.
  ROOMS_PER_HOUR: '1000',
  // Thousands of guests come from one address in the connection benchmarks.
  GUESTS_PER_HOUR: '1000000',
  LOG_LEVEL: 'warn',
  // `SEARCH_INDEX=off npm run bench:fanout` measures the send path without the search index.
  SEARCH_INDEX: process.env.SEARCH_INDEX ?? 'on',
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

/** The bare reference Socket.io server (bench/bare-server.ts) on a free port; with `--dynamodb-endpoint` in `serverArgs`, the floor. */
export async function bareServer(nodeArgs: string[] = [], serverArgs: string[] = [], name = 'bare'): Promise<Service & { url: string }> {
  const child = own(spawn(NODE, [...nodeArgs, `${ROOT}bench/bare-server.ts`, '--port', '0', ...serverArgs], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] }))
  const [line] = await Promise.race([
    once(child.stdout!, 'data') as Promise<[Buffer]>,
    once(child, 'exit').then(() => { throw new Error('bare server did not start') }),
  ])
  const { url } = JSON.parse(line.toString().split('\n')[0]!) as { url: string }
  const exited = once(child, 'exit')
  const service = {
    name,
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

/** A throwaway redis-server on a free loopback port, no persistence (the tests' own helper). */
export async function redis(): Promise<Service & { url: string }> {
  const server = await startRedis()
  const service = { name: 'redis', pid: server.pid(), url: server.url, stop: async () => server.stop() }
  onCleanup(service.stop)
  return service
}
