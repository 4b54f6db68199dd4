import { describe, expect, it } from 'vitest'
import { buildMessage, listMessages, newMessageId, saveMessage } from '../../server/domain/messages/messages.ts'
import { MessageWriter } from '../../server/storage/message-writer.ts'
import { getDatabase, type Database } from '../../server/storage/database.ts'
import { createRoom, ensureDefaultRooms, getRoom, RoomIdUnavailableError } from '../../server/domain/rooms/rooms.ts'
import { readDirectoryPage } from '../../server/domain/rooms/directory.ts'
import { ForbiddenError } from '../../server/core/errors.ts'
import { createGuest, registerUser, UsernameTakenError, verifyCredentials } from '../../server/domain/people/users.ts'
import { useEmbeddedDatabase } from '../support/embedded-db.ts'

useEmbeddedDatabase()

describe('users', () => {
  it('registers once per name, even when sign-ups race', async () => {
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => registerUser({ username: 'racer', password: 'password-1' })))
    expect(results.filter(r => r.status === 'fulfilled')).toHaveLength(1)
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')
    expect(rejected.every(r => r.reason instanceof UsernameTakenError)).toBe(true)
  })

  it('verifies credentials and hides the hash', async () => {
    await registerUser({ username: 'carol', password: 'Carol-Pass', email: 'carol@example.com', gravatar: true })
    const user = await verifyCredentials({ username: 'carol', password: 'Carol-Pass' })
    expect(user).toEqual({ username: 'carol', avatar: expect.stringMatching(/^https:\/\/www\.gravatar\.com\/avatar\/[0-9a-f]{64}/), guest: false })
    expect(await verifyCredentials({ username: 'carol', password: 'carol-pass' })).toBeNull()
    expect(await verifyCredentials({ username: 'nobody', password: 'Carol-Pass' })).toBeNull()
  })

  it('makes guests anonymous_<20 hex> with a local avatar', () => {
    const guest = createGuest()
    expect(guest.username).toMatch(/^anonymous_[0-9a-f]{20}$/)
    expect(guest.avatar).toBe(`/api/avatars/${guest.username}.svg`)
  })
})

describe('rooms', () => {
  const carol = { username: 'carol', avatar: '/a.svg', guest: false }

  it('creates default rooms idempotently and lists every room in the directory, a page at a time by id', async () => {
    await ensureDefaultRooms(['general', 'fargate'])
    await ensureDefaultRooms(['general', 'fargate'])
    await createRoom({ name: 'Alpha' }, carol)
    await expect(createRoom({ name: 'alpha' }, { ...carol, username: 'dave' })).rejects.toBeInstanceOf(RoomIdUnavailableError)
    expect((await getRoom('alpha'))?.createdBy).toBe('carol')
    const first = await readDirectoryPage({ limit: 2 })
    expect(first.rooms.map(r => r.id)).toEqual(['alpha', 'fargate'])
    expect(first.next).toBe('fargate')
    const second = await readDirectoryPage({ after: first.next!, limit: 2 })
    expect(second.rooms).toEqual([{ id: 'general', name: 'General', topic: 'Anything goes', image: '/api/avatars/general.svg' }])
    expect(second.next).toBeNull()
  })

  it('refuses rooms from guests', async () => {
    await expect(createRoom({ name: 'Guest room' }, { username: 'anonymous_abcdef', avatar: '/a.svg', guest: true })).rejects.toBeInstanceOf(ForbiddenError)
    expect(await getRoom('guest-room')).toBeNull()
  })
})

describe('messages', () => {
  it('makes ids that sort in sending order, even within one millisecond', () => {
    const ids = Array.from({ length: 50 }, () => newMessageId(1_700_000_000_000).id)
    expect([...ids].sort()).toEqual(ids)
    expect(ids[0]).toMatch(/^\d{13}:[0-9a-f]{16}$/)
  })

  it('pages back newest first and catches up oldest first, without gaps or repeats', async () => {
    const sent = []
    for (let i = 0; i < 23; i++) sent.push(await saveMessage(buildMessage('paging', { username: 'carol', avatar: '/a.svg' }, `message ${i}`)))
    const seen: string[] = []
    let before: string | undefined
    do {
      const page = await listMessages('paging', { before, limit: 10 })
      seen.push(...page.messages.map(m => m.content.text))
      before = page.next ?? undefined
    } while (before)
    expect(seen).toEqual(sent.map(m => m.content.text).reverse())

    const after = await listMessages('paging', { after: sent[19]!.id, limit: 10 })
    expect(after.messages.map(m => m.content.text)).toEqual(['message 20', 'message 21', 'message 22'])
    expect(after.next).toBeNull()
    expect(after.messages[0]).toEqual(sent[20])
  })
})

describe('message writer', () => {
  it('batches writes made while one is in flight and confirms them in write order', async () => {
    const db = await getDatabase()
    const sent: string[] = []
    const counting: Database = { ...db, doc: { send: (command: { constructor: { name: string } }) => { sent.push(command.constructor.name); return db.doc.send(command as never) } } as unknown as Database['doc'] }
    const writer = new MessageWriter(async () => counting)
    const messages = Array.from({ length: 120 }, (_, i) => buildMessage('batched', { username: 'carol', avatar: '/a.svg' }, `batched ${i}`))
    const confirmed: string[] = []
    await Promise.all(messages.map(m => writer.write(m).then(() => confirmed.push(m.content.text))))
    expect(confirmed).toEqual(messages.map(m => m.content.text))
    expect(sent.length).toBeLessThan(10)
    expect(sent).toContain('BatchWriteCommand')
    const stored = await listMessages('batched', { limit: 100 })
    expect(stored.messages).toHaveLength(100)
    await writer.drain()
  })

  it('keeps write order even when later batches are stored first', async () => {
    const db = await getDatabase()
    let request = 0
    const delays = [120, 60, 5, 5, 5, 5, 5, 5]
    const slowFirst: Database = { ...db, doc: { send: async (command: unknown) => {
      await new Promise(resolve => setTimeout(resolve, delays[request++] ?? 1))
      return db.doc.send(command as never)
    } } as unknown as Database['doc'] }
    const writer = new MessageWriter(async () => slowFirst, 4)
    const messages = Array.from({ length: 60 }, (_, i) => buildMessage('reordered', { username: 'carol', avatar: '/a.svg' }, `m${i}`))
    const confirmed: string[] = []
    const writes: Promise<unknown>[] = []
    for (const [i, m] of messages.entries()) {
      writes.push(writer.write(m).then(() => confirmed.push(m.content.text)))
      if (i % 10 === 0) await new Promise(resolve => setTimeout(resolve, 2)) // several batches in flight
    }
    await Promise.all(writes)
    expect(request).toBeGreaterThan(3)
    expect(confirmed).toEqual(messages.map(m => m.content.text))
  })

  it('fails every message of a batch DynamoDB refuses, and nothing is confirmed', async () => {
    const db = await getDatabase()
    const broken: Database = { ...db, tables: { ...db.tables, messages: 'no-such-table' } }
    const writer = new MessageWriter(async () => broken)
    const results = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => writer.write(buildMessage('general', { username: 'carol', avatar: '/a.svg' }, `lost ${i}`))))
    expect(results.every(r => r.status === 'rejected')).toBe(true)
  })
})
