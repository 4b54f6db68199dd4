// The benchmark scripts' command line and lifetime: arguments, and child processes and clean-ups
// that end with the script, under a hard deadline. Node 24 runs this file directly.
import type { ChildProcess } from 'node:child_process'
import { parseArgs } from 'node:util'

export type Options = Record<string, { type: 'string' | 'boolean', default?: string | boolean }>

export function args<T extends Options>(options: T): { smoke: boolean, values: Record<keyof T, string | boolean | undefined> } {
  const { values } = parseArgs({ options: { ...options, smoke: { type: 'boolean' as const, default: false } }, allowPositionals: false, strict: true })
  const parsed = values as Record<string, string | boolean | undefined>
  return { smoke: Boolean(parsed.smoke), values: parsed as Record<keyof T, string | boolean | undefined> }
}

/** Options that take a value (`--rate 500`), by name. */
export function valued<K extends string>(...names: K[]): Record<K, { type: 'string' }> {
  return Object.fromEntries(names.map(name => [name, { type: 'string' as const }])) as Record<K, { type: 'string' }>
}

export function num(value: unknown, fallback: number): number {
  if (value === undefined || value === '') return fallback
  const n = Number(value)
  if (!Number.isFinite(n)) throw new Error(`not a number: ${String(value)}`)
  return n
}

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
