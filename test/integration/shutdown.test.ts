import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { WireMessage } from '#shared/types/socket'
import { Client } from '../support/http.ts'
import { startApp, startDatabase, waitUntil } from '../support/processes.ts'
import { startSlowProxy, type SlowProxy } from '../support/slow-proxy.ts'
import { call, connect, waitFor } from '../support/sockets.ts'

let db: Awaited<ReturnType<typeof startDatabase>>
let slow: SlowProxy

beforeAll(async () => {
  db = await startDatabase()
  slow = await startSlowProxy(db.endpoint, 300)
})

afterAll(async () => {
  await slow?.close()
  await db?.stop()
})

describe('graceful shutdown with a slow database (#12.8)', () => {
  it('acknowledges every message whose write was under way before closing the connections', async () => {
    const app = await startApp({ dynamodbEndpoint: slow.endpoint, env: { MESSAGE_BURST: '100' } })
    const http = new Client(app.url)
    await http.post('/api/auth/guest')
    const sender = await connect(app.url, { cookie: http.cookieHeader })
    await waitFor(sender, 'login')

    const before = slow.requests()
    const acks = Promise.all(Array.from({ length: 15 }, (_, i) => call<WireMessage>(sender, 'new message', { room: 'ecs', message: `in flight ${i}` })))
    // The first write has reached the database: the rest are queued behind it.
    await waitUntil(() => slow.requests() > before, 5000, () => 'no write reached the database')
    const disconnected = waitFor<string>(sender, 'disconnect', 20_000)
    const stopped = app.stop('SIGTERM')

    const results = await acks.catch((error: unknown) => { throw new Error(`${String(error)}\n${app.output()}`) })
    expect(results.map(([err]) => err)).toEqual(Array.from({ length: 15 }, () => null))
    expect(results.map(([, message]) => message.content.text)).toEqual(Array.from({ length: 15 }, (_, i) => `in flight ${i}`))
    expect(await disconnected).toBe('transport close')
    expect(await stopped).toBe(0)
  })
})
