// Summarises V8 CPU profiles (.cpuprofile from --cpu-prof): self time by group (Socket.io/engine.io,
// ws, DynamoDB SDK, dynalite/LevelDB, Redis, node internals, the app bundle, GC) and the top functions.
//   node bench/profile-summary.ts <dir or .cpuprofile files…> [--top 25]
// `node bench/fanout.ts --profile` writes profiles under bench/results/profiles/<time>/<process>/.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { basename, dirname, join, relative } from 'node:path'
import { parseArgs } from 'node:util'
import { report, RESULTS_DIR } from './lib/results.ts'
import { round } from './lib/stats.ts'

interface Node { id: number, callFrame: { functionName: string, url: string, lineNumber: number }, hitCount?: number }
interface Profile { nodes: Node[], startTime: number, endTime: number, samples: number[], timeDeltas: number[] }

const GROUPS: [RegExp, string][] = [
  [/\/(socket\.io|socket\.io-parser|socket\.io-adapter)\//, 'socket.io'],
  [/\/(engine\.io|engine\.io-parser)\//, 'engine.io'],
  [/\/ws\//, 'ws'],
  [/\/crossws\//, 'crossws'],
  [/\/(@socket\.io\/redis-adapter|ioredis|redis-parser|@ioredis|notepack\.io)\//, 'redis client'],
  [/\/@aws-sdk\/(lib-dynamodb|util-dynamodb)\//, 'DynamoDB SDK: marshalling'],
  [/\/(@smithy\/signature-v4|@aws-crypto)\//, 'DynamoDB SDK: signing'],
  [/\/@smithy\/(node-http-handler|fetch-http-handler)\//, 'DynamoDB SDK: http'],
  [/\/(@smithy\/(core|smithy-client|middleware-serde|protocol-http|util-body-length-node)|@aws-sdk\/(core|client-dynamodb))\//, 'DynamoDB SDK: (de)serialisation, middleware'],
  [/\/(@smithy|@aws-sdk)\//, 'DynamoDB SDK: other'],
  [/\/(dynalite|level|abstract-level|classic-level|level-transcoder|module-error|lazy|big\.js|buffer-crc32)\//, 'dynalite / LevelDB'],
  [/\/zod\//, 'zod'],
  [/\/(h3|nitropack|unenv|ufo|destr|cookie-es|iron-webcrypto|uncrypto)\//, 'h3 / nitro'],
  [/(\.output|output-\d+)\/server\/chunks\//, 'app bundle (our code + inlined deps)'],
  [/\/(server|shared|scripts)\//, 'our code'],
  [/\/bench\//, 'bench'],
  [/^node:/, 'node internals'],
]

function group(node: Node): string {
  const { url, functionName } = node.callFrame
  if (!url) {
    if (functionName === '(garbage collector)') return 'GC'
    if (functionName === '(idle)') return 'idle'
    if (functionName === '(program)') return 'V8/native (program)'
    return `native: ${functionName || '(anonymous)'}`.startsWith('native: ') ? 'native (builtins, syscalls)' : functionName
  }
  for (const [pattern, name] of GROUPS) if (pattern.test(url)) return name
  const pkg = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//)
  return pkg ? `other: ${pkg[1]}` : 'other'
}

function nodeInternal(url: string): string {
  return url.replace(/^node:(internal\/)?/, '').replace(/\/.*$/, '')
}

export function summariseProfile(file: string, top: number) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile
  const byId = new Map(profile.nodes.map(n => [n.id, n]))
  const self = new Map<number, number>()
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0))
  }
  const totalUs = [...self.values()].reduce((a, b) => a + b, 0)
  const idleUs = [...self].filter(([id]) => byId.get(id)?.callFrame.functionName === '(idle)').reduce((a, [, v]) => a + v, 0)
  const busyUs = totalUs - idleUs
  const groups = new Map<string, number>()
  const functions = new Map<string, { us: number, group: string }>()
  const internals = new Map<string, number>()
  for (const [id, us] of self) {
    const node = byId.get(id)!
    const g = group(node)
    if (g === 'idle') continue
    groups.set(g, (groups.get(g) ?? 0) + us)
    const where = node.callFrame.url ? `${node.callFrame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\.output\/server\//, '.output/')}:${node.callFrame.lineNumber + 1}` : ''
    const key = `${node.callFrame.functionName || '(anonymous)'} ${where}`.trim()
    const f = functions.get(key) ?? { us: 0, group: g }
    f.us += us
    functions.set(key, f)
    if (g === 'node internals') internals.set(nodeInternal(node.callFrame.url), (internals.get(nodeInternal(node.callFrame.url)) ?? 0) + us)
  }
  const pct = (us: number) => round(100 * us / (busyUs || 1), 1)
  return {
    file,
    process: basename(dirname(file)),
    wallSeconds: round((profile.endTime - profile.startTime) / 1e6, 1),
    busySeconds: round(busyUs / 1e6, 2),
    groups: [...groups].sort((a, b) => b[1] - a[1]).map(([name, us]) => ({ group: name, percent: pct(us), seconds: round(us / 1e6, 2) })),
    nodeInternals: [...internals].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([name, us]) => ({ module: name, percent: pct(us) })),
    topFunctions: [...functions].sort((a, b) => b[1].us - a[1].us).slice(0, top).map(([name, f]) => ({ function: name, group: f.group, percent: pct(f.us) })),
  }
}

function collect(path: string): string[] {
  if (statSync(path).isDirectory()) return readdirSync(path).flatMap(name => collect(join(path, name)))
  return path.endsWith('.cpuprofile') ? [path] : []
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({ options: { top: { type: 'string', default: '25' } }, allowPositionals: true })
  const files = positionals.flatMap(collect).sort()
  if (!files.length) {
    process.stderr.write('usage: node bench/profile-summary.ts <dir or .cpuprofile files…>\n')
    process.exit(2)
  }
  const summaries = files.map(f => summariseProfile(f, Number(values.top)))
  for (const s of summaries) {
    process.stderr.write(`\n== ${relative(process.cwd(), s.file)} (${s.process}): ${s.busySeconds} s busy of ${s.wallSeconds} s ==\n`)
    for (const g of s.groups.slice(0, 14)) process.stderr.write(`  ${String(g.percent).padStart(5)}%  ${g.group}\n`)
    if (s.nodeInternals.length) process.stderr.write(`  node internals: ${s.nodeInternals.map(n => `${n.module} ${n.percent}%`).join(', ')}\n`)
    process.stderr.write('  top self-time functions:\n')
    for (const f of s.topFunctions) process.stderr.write(`    ${String(f.percent).padStart(5)}%  ${f.function}  [${f.group}]\n`)
  }
  report('profile', { files: files.map(f => relative(RESULTS_DIR, f)), summaries })
}
