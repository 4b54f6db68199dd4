import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, startDatabase } from '../support/processes.ts'

// The first request after a start used to take 5–20× a warm one (code loaded, compiled and
// connected on first use): the server renders a room page itself before /api/ready says ready.
let db: Awaited<ReturnType<typeof startDatabase>>

beforeAll(async () => {
  db = await startDatabase()
})
afterAll(async () => {
  await db?.stop()
})

interface LogLine { event: string, pages?: Record<string, number>, ms?: number }

describe('startup warm-up', () => {
  it('renders the sign-in page and a signed-in room page before it reports ready', async () => {
    const app = await startApp({ dynamodbEndpoint: db.endpoint, env: { LOG_LEVEL: 'info' } })
    try {
      const lines = app.output().split('\n').filter(line => line.startsWith('{')).map(line => JSON.parse(line) as LogLine)
      const warmed = lines.find(line => line.event === 'warm-up.done')
      expect(warmed?.pages).toEqual({ '/login': 200, '/rooms/general': 200 })
      expect(warmed?.ms).toEqual(expect.any(Number))
      expect(await (await fetch(`${app.url}/api/ready`)).json()).toEqual({ status: 'ready', checks: { dynamodb: 'ok' } })
    }
    finally {
      await app.stop()
    }
  })
})
