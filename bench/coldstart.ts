// Cold start: time from spawning the production server to /api/ready answering 200, against a
// running dynalite, repeated; also the time to the first HTTP answer of any kind.
//   node bench/coldstart.ts [--runs 5] [--smoke]
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { BENCH_ENV, NODE, ROOT, args, database, freePort, log, main, median, num, own, report, requireBuild, round } from './lib/common.ts'
import { productionEnv } from '../test/support/processes.ts'

const { smoke, values } = args({ runs: { type: 'string' } })
const runs = num(values.runs, smoke ? 2 : 5)
const TARGET_MS = 1500

async function startOnce(endpoint: string, output: string) {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const started = performance.now()
  const child = own(spawn(NODE, [`${output}/server/index.mjs`], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: productionEnv({ port, dynamodbEndpoint: endpoint, env: BENCH_ENV }),
  }))
  let stderr = ''
  child.stderr!.on('data', (c: Buffer) => { stderr += c })
  let firstAnswerMs: number | null = null
  let readyMs: number | null = null
  const deadline = started + 15_000
  while (performance.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}: ${stderr}`)
    const response = await fetch(`${url}/api/ready`).catch(() => null)
    if (response) {
      firstAnswerMs ??= performance.now() - started
      await response.arrayBuffer()
      if (response.status === 200) {
        readyMs = performance.now() - started
        break
      }
    }
    await new Promise(r => setTimeout(r, 5))
  }
  child.kill('SIGTERM')
  await once(child, 'exit')
  if (readyMs === null) throw new Error(`not ready within 15 s: ${stderr}`)
  return { readyMs: round(readyMs, 0), firstAnswerMs: round(firstAnswerMs!, 0) }
}

main('coldstart', smoke ? 60_000 : 3 * 60_000, async () => {
  const output = requireBuild()
  const db = await database()
  log(`cold start: ${runs} runs of node .output/server/index.mjs until /api/ready is 200 (dynalite at ${db.endpoint})`)
  const samples = []
  for (let i = 0; i < runs; i++) {
    const s = await startOnce(db.endpoint, output)
    samples.push(s)
    log(`  run ${i + 1}: first answer ${s.firstAnswerMs} ms, ready ${s.readyMs} ms`)
  }
  const ready = samples.map(s => s.readyMs)
  const summary = { medianMs: median(ready), maxMs: Math.max(...ready), firstAnswerMedianMs: median(samples.map(s => s.firstAnswerMs)), underTarget: Math.max(...ready) < TARGET_MS, targetMs: TARGET_MS }
  log(`summary: ready median ${summary.medianMs} ms, max ${summary.maxMs} ms (target < ${TARGET_MS} ms)`)
  report('coldstart', { config: { runs, smoke }, summary, samples })
})
