import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NODE, ROOT, startApp, startDatabase } from '../support/processes.ts'

// The release pipeline's smoke test (`npm run smoke -- --url … --account`): the smoke account in its
// own private room, against the production build. Its guest mode is covered by smoke.test.ts.
let db: Awaited<ReturnType<typeof startDatabase>>
let app: Awaited<ReturnType<typeof startApp>>
const PASSWORD = 'smoke-password-for-the-tests'

beforeAll(async () => {
  db = await startDatabase()
  app = await startApp({ dynamodbEndpoint: db.endpoint })
})
afterAll(async () => {
  await app?.stop()
  await db?.stop()
})

async function smoke(env: Record<string, string>, ...args: string[]): Promise<{ code: number | null, output: string }> {
  const child = spawn(NODE, ['scripts/smoke.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString() })
  const [code] = await once(child, 'exit') as [number | null]
  return { code, output }
}

/** Signs in as the smoke account, as a person would. */
async function signIn(username: string): Promise<string> {
  const response = await fetch(`${app.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }) })
  expect(response.status).toBe(200)
  return response.headers.getSetCookie().map(c => c.split(';')[0]!).join('; ')
}

describe('the smoke test with the smoke account', () => {
  it('signs the account up on first use, talks between two tabs in its own private room, and leaves no message behind', async () => {
    const { code, output } = await smoke({ SMOKE_PASSWORD: PASSWORD }, '--url', app.url, '--timeout', '20', '--account')
    expect(output).toMatch(/ok {3}the smoke account smoke-[0-9a-f]{12} signs in/)
    expect(output).toMatch(/ok {3}a message in #smoke-[0-9a-f]{12} reaches the other tab/)
    expect(output).toContain('ok   the message is deleted and the session ended')
    expect(code).toBe(0)
    const account = output.match(/smoke-[0-9a-f]{12}/)![0]
    const cookie = await signIn(account)
    // Private: its own room, visible in no directory.
    const room = await (await fetch(`${app.url}/api/rooms/${account}`, { headers: { cookie } })).json() as { room: { visibility?: string } }
    expect(room.room.visibility).toBe('private')
    const directory = await (await fetch(`${app.url}/api/room-directory`, { headers: { cookie } })).text()
    expect(directory).not.toContain(account)
    // What it wrote is deleted: no words of it remain in the history.
    const history = await (await fetch(`${app.url}/api/rooms/${account}/messages`, { headers: { cookie } })).json() as { messages: { deleted?: boolean }[] }
    expect(history.messages.length).toBeGreaterThan(0)
    expect(history.messages.every(m => m.deleted === true)).toBe(true)
    expect(JSON.stringify(history)).not.toContain('smoke test ')
  })

  it('signs in again on the next run and uses the same room', async () => {
    const first = await smoke({ SMOKE_PASSWORD: PASSWORD }, '--url', app.url, '--timeout', '20', '--account')
    const second = await smoke({ SMOKE_PASSWORD: PASSWORD }, '--url', app.url, '--timeout', '20', '--account')
    expect([first.code, second.code]).toEqual([0, 0])
    expect(first.output.match(/#smoke-[0-9a-f]{12}/)![0]).toBe(second.output.match(/#smoke-[0-9a-f]{12}/)![0])
  })

  it('refuses --account without the password in SMOKE_PASSWORD', async () => {
    const { code, output } = await smoke({ SMOKE_PASSWORD: '' }, '--url', app.url, '--account')
    expect(code).toBe(2)
    expect(output).toContain('--account needs the smoke account\'s password in SMOKE_PASSWORD')
  })
})
