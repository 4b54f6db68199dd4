import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { ROOT } from './cloudformation.ts'
import { startApp, startDatabase } from '../support/processes.ts'

// The image's runtime stage holds nothing but .output. Run a copy of it far from the repository's
// node_modules, so a dependency missing from the build output fails here and not in Fargate.
// `npm test` builds .output before running vitest; without a build there is nothing to run.
const built = existsSync(join(ROOT, '.output/server/index.mjs'))

describe.skipIf(!built)('the build output alone, as the image runs it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fargate-chat-image-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  test('starts in production mode, answers /api/health and becomes ready against DynamoDB', async () => {
    cpSync(join(ROOT, '.output'), join(dir, '.output'), { recursive: true })
    const db = await startDatabase()
    try {
      const app = await startApp({ dynamodbEndpoint: db.endpoint, outputDir: join(dir, '.output'), env: { TRUST_PROXY: 'true' } })
      try {
        const health = await fetch(`${app.url}/api/health`)
        expect(health.status).toBe(200)
        expect(await health.json()).toMatchObject({ status: 'ok' })
        const ready = await fetch(`${app.url}/api/ready`)
        expect(await ready.json()).toMatchObject({ status: 'ready', checks: { dynamodb: 'ok' } })
      }
      finally {
        expect(await app.stop('SIGTERM')).toBe(0)
      }
    }
    finally {
      await db.stop()
    }
  })
})
