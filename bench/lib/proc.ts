// CPU and memory of processes and of the machine, read from /proc (Linux).
import { readdirSync, readFileSync } from 'node:fs'
import { round } from './stats.ts'

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
