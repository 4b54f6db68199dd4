import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Client } from '../support/http.ts'
import { startApp, startDatabase } from '../support/processes.ts'
import { connect } from '../support/sockets.ts'

// Behind the load balancer (TRUST_PROXY=true) the app must take the client address, scheme and
// host from X-Forwarded-*: for rate limits, Secure cookies and the origin check.
let db: Awaited<ReturnType<typeof startDatabase>>
let app: Awaited<ReturnType<typeof startApp>>

beforeAll(async () => {
  db = await startDatabase()
  app = await startApp({ dynamodbEndpoint: db.endpoint, env: { TRUST_PROXY: 'true', LOGIN_FAILURES_PER_ADDRESS: '3', LOGIN_FAILURES_PER_USER: '100', LOG_LEVEL: 'info' } })
})
afterAll(async () => {
  await app?.stop()
  await db?.stop()
})

const https = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'chat.example.com', 'origin': 'https://chat.example.com' }

describe('behind a load balancer', () => {
  it('sets Secure cookies when the browser used HTTPS, and plain ones over HTTP', async () => {
    const secure = await new Client(app.url).post('/api/auth/guest', undefined, https)
    expect(secure.status).toBe(201)
    expect(secure.headers.getSetCookie()[0]).toMatch(/; Secure/)
    const plain = await new Client(app.url).post('/api/auth/guest', undefined, { 'x-forwarded-proto': 'http', 'x-forwarded-host': 'chat.example.com', 'origin': 'http://chat.example.com' })
    expect(plain.status).toBe(201)
    expect(plain.headers.getSetCookie()[0]).not.toMatch(/Secure/)
  })

  it('checks the origin against the forwarded scheme and host', async () => {
    expect((await new Client(app.url).post('/api/auth/guest', undefined, { ...https, origin: 'http://chat.example.com' })).status).toBe(403)
    expect((await new Client(app.url).post('/api/auth/guest', undefined, { ...https, origin: 'https://evil.example' })).status).toBe(403)
    await expect(connect(app.url, { origin: 'https://evil.example' })).rejects.toThrow()
  })

  it('limits failed sign-ins by the address the load balancer saw, not one a client made up', async () => {
    const attempt = (forwardedFor: string) => new Client(app.url).post('/api/auth/login', { username: 'nobody', password: 'wrong-guess' }, { 'x-forwarded-for': forwardedFor })
    // The ALB appends the real peer last; the spoofed first entry changes nothing.
    for (let i = 0; i < 3; i++) expect((await attempt(`10.0.0.${i}, 203.0.113.7`)).status).toBe(401)
    const limited = await attempt('10.9.9.9, 203.0.113.7')
    expect(limited.status).toBe(429)
    expect((await attempt('203.0.113.8')).status).toBe(401)
  })

  it('tags every response with a request id, the trace id when the load balancer sent one', async () => {
    const response = await fetch(`${app.url}/api/auth/me`, { headers: { 'x-amzn-trace-id': 'Root=1-abc-def' } })
    expect(response.headers.get('x-request-id')).toBe('Root=1-abc-def')
    expect((await fetch(`${app.url}/api/auth/me`)).headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
    // Production logs are JSON lines with a level and the request id.
    const line = app.output().split('\n').find(l => l.includes('Root=1-abc-def'))!
    expect(JSON.parse(line)).toMatchObject({ level: 'info', event: 'http.request', request: 'Root=1-abc-def', method: 'GET', path: '/api/auth/me', status: 200 })
  })
})
