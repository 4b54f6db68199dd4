// `npm run bench`: every benchmark in turn, each as its own process under its own hard timeout, then
// one line per benchmark. Arguments are passed to each (e.g. --smoke; --minutes for the soak).
//   node bench/all.ts [--smoke] [--minutes N] [--only fanout,idle,pages,coldstart,weight,rooms,search,soak]
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { parseArgs } from 'node:util'
import { log } from './lib/cli.ts'
import { NODE, ROOT } from '../test/support/processes.ts'
import { readLatest } from './lib/results.ts'

const { values } = parseArgs({ options: { smoke: { type: 'boolean', default: false }, minutes: { type: 'string' }, only: { type: 'string' } } })
const smoke = values.smoke
// The fan-out runs first: the soak's rate is half of its ramp maximum.
const ALL = ['fanout', 'idle', 'pages', 'coldstart', 'weight', 'rooms', 'search', 'soak']
const chosen = values.only ? values.only.split(',') : ALL

const limits: Record<string, number> = { fanout: 20, idle: 10, pages: 5, coldstart: 3, weight: 5, rooms: 8, search: 30, soak: 5 + Number(values.minutes ?? 10) }

const failures: string[] = []
const started = Date.now()
for (const name of chosen) {
  const argv = [`${ROOT}bench/${name}.ts`, ...(smoke ? ['--smoke'] : []), ...(name === 'soak' && values.minutes ? ['--minutes', values.minutes] : [])]
  log(`\n######## ${name} ########`)
  // idle needs more file descriptors than a default shell allows: raise the soft limit to the hard one.
  const child = name === 'idle'
    ? spawn('bash', ['-c', 'ulimit -n $(ulimit -Hn) 2>/dev/null || true; exec "$0" "$@"', NODE, ...argv], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] })
    : spawn(NODE, argv, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] })
  const timer = setTimeout(() => child.kill('SIGTERM'), (smoke ? 2 : limits[name] ?? 10) * 60_000 + 30_000)
  const [code] = await once(child, 'exit') as [number | null]
  clearTimeout(timer)
  if (code !== 0) failures.push(`${name} (exit ${code})`)
}

log(`\n######## summary (${Math.round((Date.now() - started) / 1000)} s) ########`)
for (const name of chosen) {
  const latest = readLatest(name)
  log(`${name.padEnd(10)} ${latest ? JSON.stringify(latest.summary) : 'no result'}`)
}
if (failures.length) {
  log(`failed: ${failures.join(', ')}`)
  process.exit(1)
}
