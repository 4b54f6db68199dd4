import { spawn } from 'node:child_process'
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort, NODE, productionEnv, ROOT, startDatabase, waitUntil } from '../support/processes.ts'

// The task runs with ReadonlyRootFilesystem and a writable volume at /tmp only (infra/chat-service.yml).
// Here: the build output in a directory the server cannot write to, run by an unprivileged user
// (nobody, when the tests run as root) with TMPDIR as its only writable place.
const NOBODY = 65534
const dir = mkdtempSync(join(tmpdir(), 'fargate-chat-readonly-'))
const app = join(dir, 'app')
const writable = join(dir, 'tmp')
let db: Awaited<ReturnType<typeof startDatabase>>

beforeAll(async () => {
  chmodSync(dir, 0o755)
  cpSync(join(ROOT, '.output'), join(app, '.output'), { recursive: true })
  mkdirSync(writable)
  chmodSync(writable, 0o1777)
  // Read and execute, no write, for everyone: the image's files belong to root.
  for (const path of [app, join(app, '.output')]) chmodSync(path, 0o555)
  db = await startDatabase()
})
afterAll(async () => {
  await db?.stop()
  chmodSync(app, 0o755)
  chmodSync(join(app, '.output'), 0o755)
  rmSync(dir, { recursive: true, force: true })
})

describe('the production build on a read-only file system', () => {
  it('passes the smoke test as an unprivileged user, writing nothing outside its temporary directory', async () => {
    const port = await freePort()
    const asRoot = process.getuid?.() === 0
    const server = spawn(NODE, ['.output/server/index.mjs'], {
      cwd: app,
      env: { ...productionEnv({ port, dynamodbEndpoint: db.endpoint }), TMPDIR: writable, HOME: writable },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(asRoot ? { uid: NOBODY, gid: NOBODY } : {}),
    })
    let output = ''
    server.stdout.on('data', (chunk: Buffer) => { output += chunk.toString() })
    server.stderr.on('data', (chunk: Buffer) => { output += chunk.toString() })
    const exited = new Promise<number | null>(resolve => server.once('exit', resolve))
    try {
      const url = `http://127.0.0.1:${port}`
      await waitUntil(async () => {
        if (server.exitCode !== null) throw new Error(`server exited:\n${output}`)
        return (await fetch(`${url}/api/ready`).catch(() => null))?.status === 200
      }, 20_000, () => output)
      const smoke = spawn(NODE, ['scripts/smoke.ts', '--url', url, '--timeout', '20'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
      let report = ''
      smoke.stdout.on('data', (chunk: Buffer) => { report += chunk.toString() })
      smoke.stderr.on('data', (chunk: Buffer) => { report += chunk.toString() })
      const code = await new Promise<number | null>(resolve => smoke.once('exit', resolve))
      expect(report).toContain('smoke test passed')
      expect(code).toBe(0)
      expect(output).not.toMatch(/EACCES|EROFS|read-only/i)
    }
    finally {
      server.kill('SIGTERM')
      const code = await exited
      expect(code, output).toBe(0)
    }
    expect(readdirSync(app)).toEqual(['.output'])
  })
})
