import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort, NODE, ROOT } from '../support/processes.ts'
import { startOneInstance, type OneInstance } from '../support/cluster.ts'

// The post-deployment smoke test of the release pipeline, run here against the production build so
// that the script the pipeline relies on is known to pass on a working app and fail on a broken one.
let instance: OneInstance

beforeAll(async () => {
  instance = await startOneInstance()
})
afterAll(async () => {
  await instance?.stop()
})

/** `npm run smoke -- …` as the pipeline runs it: its exit code and everything it printed. */
async function smoke(...args: string[]): Promise<{ code: number | null, output: string }> {
  const child = spawn(NODE, ['scripts/smoke.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString() })
  const [code] = await once(child, 'exit') as [number | null]
  return { code, output }
}

describe('the smoke test script', () => {
  it('passes against the running production build: health, two guests, a relayed message, history', async () => {
    const { code, output } = await smoke('--url', instance.app.url, '--timeout', '20')
    expect(output).toContain('ok   health')
    expect(output).toContain('ok   a message in #general reaches the other guest')
    expect(output).toContain('ok   #general\'s history holds it')
    expect(output).toMatch(/smoke test passed against http:\/\/127\.0\.0\.1:\d+ in \d+ ms/)
    expect(code).toBe(0)
  })

  it('fails, naming the step, against a URL where nothing listens, within its timeout', async () => {
    const began = Date.now()
    const { code, output } = await smoke('--url', `http://127.0.0.1:${await freePort()}`, '--timeout', '3')
    expect(code).toBe(1)
    expect(output).toMatch(/smoke test FAILED against http:\/\/127\.0\.0\.1:\d+: (health: GET \/api\/health never answered|not finished within 3 s)/)
    expect(Date.now() - began).toBeLessThan(10_000)
  })

  it('fails when a room does not exist, at the message step', async () => {
    const { code, output } = await smoke('--url', instance.app.url, '--timeout', '20', '--room', 'no-such-room')
    expect(code).toBe(1)
    expect(output).toContain('FAILED')
    expect(output).toContain('a message in #no-such-room reaches the other guest: sending was refused')
  })

  it('refuses to run without a URL', async () => {
    const { code, output } = await smoke()
    expect(code).toBe(2)
    expect(output).toContain('usage: npm run smoke -- --url')
  })
})
