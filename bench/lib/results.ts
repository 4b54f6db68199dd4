// Benchmark results: JSON files under bench/results and plain-text tables.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { ROOT } from '../../test/support/processes.ts'
import { round } from './stats.ts'

export const RESULTS_DIR = `${ROOT}bench/results`

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
