import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { barrier, call, closeAll, collect, signedInGuest } from '../support/sockets.ts'
import { startOneInstance, type OneInstance } from '../support/cluster.ts'

let instance: OneInstance

beforeAll(async () => {
  instance = await startOneInstance()
})
afterAll(async () => {
  closeAll()
  await instance?.stop()
})

describe('when DynamoDB cannot store a message', () => {
  it('acks the sender with an error and shows nobody a ghost message', async () => {
    const alice = await signedInGuest(instance.app.url)
    const bob = await signedInGuest(instance.app.url)
    expect((await call(alice.socket, 'new message', { room: 'general', message: 'stored' }))[0]).toBeNull()
    const inbox = collect(bob.socket, 'new message')
    await instance.db.stop()
    const [err, result] = await call(alice.socket, 'new message', { room: 'general', message: 'never stored' })
    expect(err).toMatch(/try again/i)
    expect(result).toBeUndefined()
    await barrier(bob.socket)
    expect(inbox).toEqual([])
    // One JSON line that docs/operations.md's query finds: the log event, then the socket event.
    const failures = instance.app.output().split('\n').filter(line => line.startsWith('{')).map(line => JSON.parse(line) as Record<string, unknown>).filter(entry => entry.event === 'socket.handler_failed')
    expect(failures.map(entry => entry.socketEvent)).toContain('new message')
    const ready = await fetch(`${instance.app.url}/api/ready`)
    expect(ready.status).toBe(503)
  })
})
