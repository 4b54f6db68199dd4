import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, startDatabase } from '../support/processes.ts'

// /api/ready is public (the load balancer and CloudFront reach it): it says which dependency is
// down, while the error itself (addresses, ports, SDK messages) goes only to the logs.
let db: Awaited<ReturnType<typeof startDatabase>>
let app: Awaited<ReturnType<typeof startApp>>

beforeAll(async () => {
  db = await startDatabase()
  app = await startApp({ dynamodbEndpoint: db.endpoint })
})
afterAll(async () => {
  await app?.stop()
  await db?.stop()
})

describe('the readiness route', () => {
  it('names a failed dependency without its internal error text, which it logs instead', async () => {
    expect(await (await fetch(`${app.url}/api/ready`)).json()).toEqual({ status: 'ready', checks: { dynamodb: 'ok' } })
    await db.stop()
    const response = await fetch(`${app.url}/api/ready`)
    expect(response.status).toBe(503)
    const body = await response.text()
    expect(JSON.parse(body)).toEqual({ status: 'unavailable', checks: { dynamodb: 'failed' } })
    const port = new URL(db.endpoint).port
    expect(body).not.toContain(port)
    const failures = () => app.output().split('\n').filter(l => l.startsWith('{')).map(l => JSON.parse(l) as { event: string, check?: string, error?: { message: string } }).filter(e => e.event === 'readiness.failed')
    await expect.poll(() => failures().map(e => e.check)).toContain('dynamodb')
    expect(failures()[0]!.error!.message).toContain(port)
  })
})
