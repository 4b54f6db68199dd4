import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, startDatabase } from '../support/processes.ts'
import { barrier, call, closeAll, collect, signedInGuest } from '../support/sockets.ts'

let db: Awaited<ReturnType<typeof startDatabase>>
let app: Awaited<ReturnType<typeof startApp>>

beforeAll(async () => {
  db = await startDatabase()
  app = await startApp({ dynamodbEndpoint: db.endpoint })
})
afterAll(async () => {
  closeAll()
  await app?.stop()
  await db?.stop()
})

describe('when DynamoDB cannot store a message', () => {
  it('acks the sender with an error and shows nobody a ghost message', async () => {
    const alice = await signedInGuest(app.url)
    const bob = await signedInGuest(app.url)
    expect((await call(alice.socket, 'new message', { room: 'general', message: 'stored' }))[0]).toBeNull()
    const inbox = collect(bob.socket, 'new message')
    await db.stop()
    const [err, result] = await call(alice.socket, 'new message', { room: 'general', message: 'never stored' })
    expect(err).toMatch(/try again/i)
    expect(result).toBeUndefined()
    await barrier(bob.socket)
    expect(inbox).toEqual([])
    // One JSON line that docs/operations.md's query finds: the log event, then the socket event.
    const failures = app.output().split('\n').filter(line => line.startsWith('{')).map(line => JSON.parse(line) as Record<string, unknown>).filter(entry => entry.event === 'socket.handler_failed')
    expect(failures.map(entry => entry.socketEvent)).toContain('new message')
    const ready = await fetch(`${app.url}/api/ready`)
    expect(ready.status).toBe(503)
  })
})
