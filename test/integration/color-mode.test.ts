import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startOneInstance, type OneInstance } from '../support/cluster.ts'
import { account, guest } from '../support/people.ts'
import { Client } from '../support/http.ts'

let instance: OneInstance
let app: { url: string }

beforeAll(async () => {
  instance = await startOneInstance()
  app = instance.app
})
afterAll(async () => instance?.stop())

const choose = (client: Client, mode: unknown) => client.request('/api/me/color-mode', { method: 'PUT', body: { mode } })

describe('the colour mode kept with an account', () => {
  it('is kept by PUT /api/me/color-mode (which sets this browser\'s cookie too) and given to a browser that signs in next, as a cookie before its first page', async () => {
    const ann = await account(app.url, { password: 'Correct-Horse-9' })
    const chosen = await choose(ann.http, 'dark')
    expect([chosen.status, chosen.json]).toEqual([200, { mode: 'dark' }])
    expect(ann.http.cookies.get('color-mode')).toBe('dark')

    const elsewhere = new Client(app.url)
    expect((await elsewhere.post('/api/auth/login', { username: ann.username, password: 'Correct-Horse-9' })).status).toBe(200)
    expect(elsewhere.cookies.get('color-mode')).toBe('dark')
    expect((await elsewhere.request('/rooms/general', { headers: { accept: 'text/html' } })).text).toMatch(/<html[^>]* data-bs-theme="dark"/)
  })

  it('sets no cookie at sign-in for an account that never chose, refuses a mode it does not know, and keeps a guest\'s in the browser only', async () => {
    const bob = await account(app.url, { password: 'Correct-Horse-9' })
    const elsewhere = new Client(app.url)
    await elsewhere.post('/api/auth/login', { username: bob.username, password: 'Correct-Horse-9' })
    expect(elsewhere.cookies.has('color-mode')).toBe(false)
    expect((await elsewhere.request('/rooms/general', { headers: { accept: 'text/html' } })).text).toMatch(/<html[^>]* data-bs-theme="auto"/)

    const wrong = await choose(bob.http, 'sepia')
    expect([wrong.status, wrong.json.message]).toEqual([400, 'mode: mode must be light, dark or system'])
    const visitor = await guest(app.url)
    const refused = await choose(visitor.http, 'dark')
    expect(refused.status).toBe(403)
    expect(visitor.http.cookies.has('color-mode')).toBe(false)
  })
})
