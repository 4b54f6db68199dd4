import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Client } from '../support/http.ts'
import { startOneInstance, type OneInstance } from '../support/cluster.ts'

// Security headers on the production build (nuxt-security plus our own HSTS rule). The app trusts
// the proxy here so that one server answers both as if reached over HTTP and over HTTPS.
let instance: OneInstance

beforeAll(async () => {
  instance = await startOneInstance({ env: { TRUST_PROXY: 'true' } })
})
afterAll(async () => {
  await instance?.stop()
})

/** The directives of a Content-Security-Policy header, by name. */
function directives(csp: string): Map<string, string[]> {
  return new Map(csp.split(';').map(d => d.trim()).filter(Boolean).map((d) => {
    const [name, ...sources] = d.split(/\s+/)
    return [name!, sources]
  }))
}

async function page(path: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${instance.app.url}${path}`, { headers: { accept: 'text/html', ...headers }, redirect: 'manual' })
  return { status: response.status, headers: response.headers, html: await response.text() }
}

describe('an HTML page', () => {
  it('carries a Content-Security-Policy whose per-request nonce is on every script and allows no inline or eval', async () => {
    const first = await page('/login')
    expect(first.status).toBe(200)
    expect(first.headers.get('content-type')).toMatch(/text\/html/)
    const csp = directives(first.headers.get('content-security-policy') ?? '')
    const scriptSrc = csp.get('script-src')!
    const nonce = scriptSrc.find(s => s.startsWith('\'nonce-'))!.slice(7, -1)
    expect(nonce.length).toBeGreaterThanOrEqual(16)
    expect(scriptSrc).not.toContain('\'unsafe-inline\'')
    expect(scriptSrc).not.toContain('\'unsafe-eval\'')
    expect([...csp.values()].flat()).not.toContain('\'unsafe-eval\'')
    expect(csp.get('script-src-attr')).toEqual(['\'none\''])
    expect(csp.get('object-src')).toEqual(['\'none\''])
    expect(csp.get('base-uri')).toEqual(['\'none\''])
    expect(csp.get('frame-ancestors')).toEqual(['\'none\''])
    // Browsers upload straight to the bucket (here Amazon S3's address for UPLOAD_BUCKET in AWS_REGION), and nowhere else.
    expect(csp.get('connect-src')).toEqual(['\'self\'', 'https://fargate-chat-uploads.s3.us-east-1.amazonaws.com'])
    expect(csp.get('img-src')).toEqual(['\'self\'', 'data:', 'https://www.gravatar.com', 'https://fargate-chat-uploads.s3.us-east-1.amazonaws.com'])

    const scripts = [...first.html.matchAll(/<script\b[^>]*>/g)].map(m => m[0])
    expect(scripts.length).toBeGreaterThan(0)
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`)

    const second = await page('/login')
    expect(second.headers.get('content-security-policy')).not.toContain(nonce)
  })

  it('forbids framing and sniffing, limits the referrer and browser features, and does not say what it runs on', async () => {
    const { headers } = await page('/login')
    expect(headers.get('x-frame-options')).toBe('DENY')
    expect(headers.get('x-content-type-options')).toBe('nosniff')
    expect(headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin')
    expect(headers.get('permissions-policy')).toMatch(/camera=\(\)/)
    expect(headers.get('permissions-policy')).toMatch(/geolocation=\(\)/)
    expect(headers.get('x-powered-by')).toBeNull()
  })

  it('asks for HTTPS only (HSTS) when it was reached over HTTPS, never over plain HTTP', async () => {
    expect((await page('/login')).headers.get('strict-transport-security')).toBeNull()
    const secure = await page('/login', { 'x-forwarded-proto': 'https' })
    expect(secure.headers.get('strict-transport-security')).toMatch(/^max-age=\d{8}; includeSubDomains$/)
  })

  it('carries the same headers on a page of a room that does not exist', async () => {
    const client = new Client(instance.app.url)
    await client.post('/api/auth/guest')
    const response = await fetch(`${instance.app.url}/rooms/no-such-room-here`, { headers: { accept: 'text/html', cookie: client.cookieHeader } })
    expect(await response.text()).toMatch(/<html/)
    expect(response.headers.get('content-security-policy')).toMatch(/script-src [^;]*'nonce-/)
    expect(response.headers.get('x-frame-options')).toBe('DENY')
    expect(response.headers.get('x-powered-by')).toBeNull()
  })
})

describe('API responses', () => {
  it('say nosniff and nothing about the server, and the avatar keeps its own strict policy', async () => {
    const health = await fetch(`${instance.app.url}/api/health`)
    expect(health.headers.get('x-content-type-options')).toBe('nosniff')
    expect(health.headers.get('x-powered-by')).toBeNull()
    const avatar = await fetch(`${instance.app.url}/api/avatars/alice.svg`)
    expect(avatar.status).toBe(200)
    expect(avatar.headers.get('content-security-policy')).toBe('default-src \'none\'; style-src \'unsafe-inline\'')
  })

  it('are not limited, size-checked or CORS-answered by the security module (the app does its own)', async () => {
    // nuxt-security's rate limiter would refuse the 151st request in 5 minutes from one address.
    const statuses = await Promise.all(Array.from({ length: 160 }, () => fetch(`${instance.app.url}/api/health`).then(r => r.status)))
    expect(new Set(statuses)).toEqual(new Set([200]))
    // Its CORS handler would answer preflights for the dev server's origin; the app answers none.
    const preflight = await fetch(`${instance.app.url}/api/auth/login`, { method: 'OPTIONS', headers: { 'origin': 'https://evil.example', 'access-control-request-method': 'POST' } })
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull()
    // Its XSS validator would refuse this query with 400; the app validates and renders text itself.
    const query = await fetch(`${instance.app.url}/api/health?q=${encodeURIComponent('<script>alert(1)</script>')}`)
    expect(query.status).toBe(200)
  })
})
