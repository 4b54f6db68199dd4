import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Client } from '../support/http.ts'
import { freePort, startApp, startDatabase } from '../support/processes.ts'
import { connect } from '../support/sockets.ts'

// Behind a trusted proxy chain the app takes the client address and scheme from what those proxies
// add, for rate limits and Secure cookies; the origin check compares with PUBLIC_ORIGIN alone.
let db: Awaited<ReturnType<typeof startDatabase>>
let alb: Awaited<ReturnType<typeof startApp>>
let cloudfront: Awaited<ReturnType<typeof startApp>>

const limits = { LOGIN_FAILURES_PER_ADDRESS: '3', LOGIN_FAILURES_PER_USER: '100' }

beforeAll(async () => {
  db = await startDatabase()
  const [albPort, cloudfrontPort] = await Promise.all([freePort(), freePort()])
  // Browsers reach both over HTTPS, as in AWS: PUBLIC_ORIGIN is the https:// address.
  ;[alb, cloudfront] = await Promise.all([
    startApp({ port: albPort, dynamodbEndpoint: db.endpoint, env: { TRUST_PROXY: 'true', LOG_LEVEL: 'info', PUBLIC_ORIGIN: `https://127.0.0.1:${albPort}`, ...limits } }),
    startApp({ port: cloudfrontPort, dynamodbEndpoint: db.endpoint, env: { TRUST_PROXY: 'cloudfront', PUBLIC_ORIGIN: `https://127.0.0.1:${cloudfrontPort}`, ...limits } }),
  ])
})
afterAll(async () => {
  await Promise.all([alb?.stop(), cloudfront?.stop()])
  await db?.stop()
})

/** The origin a browser shows for the app when it reached it over HTTPS on this host. */
const httpsOrigin = (url: string) => url.replace('http://', 'https://')

describe('behind a load balancer (TRUST_PROXY=true)', () => {
  it('sets Secure cookies when the browser used HTTPS, and plain ones over HTTP', async () => {
    const secure = await new Client(alb.url).post('/api/auth/guest', undefined, { 'x-forwarded-proto': 'https', 'origin': httpsOrigin(alb.url) })
    expect(secure.status).toBe(201)
    expect(secure.headers.getSetCookie()[0]).toMatch(/; Secure/)
    const plain = await new Client(alb.url).post('/api/auth/guest', undefined, { 'x-forwarded-proto': 'http', 'origin': httpsOrigin(alb.url) })
    expect(plain.status).toBe(201)
    expect(plain.headers.getSetCookie()[0]).not.toMatch(/Secure/)
  })

  it('checks the origin against PUBLIC_ORIGIN, whatever scheme was forwarded', async () => {
    const https = { 'x-forwarded-proto': 'https' }
    expect((await new Client(alb.url).post('/api/auth/guest', undefined, { ...https, origin: alb.url })).status).toBe(403)
    expect((await new Client(alb.url).post('/api/auth/guest', undefined, { 'x-forwarded-proto': 'http', 'origin': alb.url })).status).toBe(403)
    expect((await new Client(alb.url).post('/api/auth/guest', undefined, { ...https, origin: 'https://evil.example' })).status).toBe(403)
    await expect(connect(alb.url, { origin: 'https://evil.example' })).rejects.toThrow()
  })

  it('ignores an X-Forwarded-Host the client made up, since no proxy of ours sets one', async () => {
    const spoofed = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'evil.example', 'origin': 'https://evil.example' }
    expect((await new Client(alb.url).post('/api/auth/guest', undefined, spoofed)).status).toBe(403)
  })

  it('limits failed sign-ins by the address the load balancer saw, not one a client made up', async () => {
    const attempt = (forwardedFor: string) => new Client(alb.url).post('/api/auth/login', { username: 'nobody', password: 'wrong-guess' }, { 'x-forwarded-for': forwardedFor, 'origin': httpsOrigin(alb.url) })
    // The ALB appends the real peer last; the spoofed first entry changes nothing.
    for (let i = 0; i < 3; i++) expect((await attempt(`10.0.0.${i}, 203.0.113.7`)).status).toBe(401)
    const limited = await attempt('10.9.9.9, 203.0.113.7')
    expect(limited.status).toBe(429)
    expect((await attempt('203.0.113.8')).status).toBe(401)
  })

  it('tags every response with a request id, the trace id when the load balancer sent one', async () => {
    const response = await fetch(`${alb.url}/api/auth/me`, { headers: { 'x-amzn-trace-id': 'Root=1-abc-def' } })
    expect(response.headers.get('x-request-id')).toBe('Root=1-abc-def')
    expect((await fetch(`${alb.url}/api/auth/me`)).headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
    // Production logs are JSON lines with a level and the request id.
    const line = alb.output().split('\n').find(l => l.includes('Root=1-abc-def'))!
    expect(JSON.parse(line)).toMatchObject({ level: 'info', event: 'http.request', request: 'Root=1-abc-def', method: 'GET', path: '/api/auth/me', status: 200 })
  })
})

describe('behind CloudFront and the load balancer (TRUST_PROXY=cloudfront)', () => {
  // CloudFront reaches the load balancer over HTTP, so the ALB's X-Forwarded-Proto says http;
  // the scheme the browser used comes from CloudFront-Forwarded-Proto.
  const viaCloudFront = { 'x-forwarded-proto': 'http', 'cloudfront-forwarded-proto': 'https' }

  it('takes the browser\'s scheme from CloudFront-Forwarded-Proto: Secure cookies, HTTPS origin accepted', async () => {
    const response = await new Client(cloudfront.url).post('/api/auth/guest', undefined, { ...viaCloudFront, origin: httpsOrigin(cloudfront.url) })
    expect(response.status).toBe(201)
    expect(response.headers.getSetCookie()[0]).toMatch(/; Secure/)
    expect((await new Client(cloudfront.url).post('/api/auth/guest', undefined, { ...viaCloudFront, origin: cloudfront.url })).status).toBe(403)
  })

  it('ignores the load balancer\'s X-Forwarded-Proto', async () => {
    const response = await new Client(cloudfront.url).post('/api/auth/guest', undefined, { 'x-forwarded-proto': 'https', 'origin': httpsOrigin(cloudfront.url) })
    expect(response.status).toBe(201)
    expect(response.headers.getSetCookie()[0]).not.toMatch(/Secure/)
  })

  it('limits failed sign-ins by the viewer address CloudFront added, before the one the load balancer appended', async () => {
    const attempt = (forwardedFor: string) => new Client(cloudfront.url).post('/api/auth/login', { username: 'nobody', password: 'wrong-guess' }, { 'x-forwarded-for': forwardedFor, 'origin': httpsOrigin(cloudfront.url) })
    // <made up by the client>, <viewer, added by CloudFront>, <CloudFront edge, added by the ALB>
    for (let i = 0; i < 3; i++) expect((await attempt(`10.0.0.${i}, 198.51.100.7, 130.176.0.${i}`)).status).toBe(401)
    expect((await attempt('10.9.9.9, 198.51.100.7, 130.176.0.9')).status).toBe(429)
    expect((await attempt('198.51.100.8, 130.176.0.1')).status).toBe(401)
  })
})
