import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startOneInstance, type OneInstance } from '../support/cluster.ts'

// /api/ready is public (the load balancer and CloudFront reach it): it says which dependency is
// down, while the error itself (addresses, ports, SDK messages) goes only to the logs.
let instance: OneInstance

beforeAll(async () => {
  instance = await startOneInstance()
})
afterAll(async () => {
  await instance?.stop()
})

describe('the readiness route', () => {
  it('names a failed dependency without its internal error text, which it logs instead', async () => {
    expect(await (await fetch(`${instance.app.url}/api/ready`)).json()).toEqual({ status: 'ready', checks: { dynamodb: 'ok' } })
    await instance.db.stop()
    const response = await fetch(`${instance.app.url}/api/ready`)
    expect(response.status).toBe(503)
    const body = await response.text()
    expect(JSON.parse(body)).toEqual({ status: 'unavailable', checks: { dynamodb: 'failed' } })
    const port = new URL(instance.db.endpoint).port
    expect(body).not.toContain(port)
    const failures = () => instance.app.output().split('\n').filter(l => l.startsWith('{')).map(l => JSON.parse(l) as { event: string, check?: string, error?: { message: string } }).filter(e => e.event === 'readiness.failed')
    await expect.poll(() => failures().map(e => e.check)).toContain('dynamodb')
    expect(failures()[0]!.error!.message).toContain(port)
  })
})
