import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb'
import { createDatabase } from '../../server/storage/database.ts'
import { DataFolderLockedError, ensureTables, patchIteratorLeak, startEmbeddedDynamo } from '../../server/storage/embedded-dynamodb.ts'
import { UNIT_TABLES } from '../support/embedded-db.ts'

const require = createRequire(import.meta.url)

describe('embedded DynamoDB', () => {
  it('keeps its data in the folder across restarts', async () => {
    const path = mkdtempSync(join(tmpdir(), 'dynalite-persist-'))
    const first = await startEmbeddedDynamo({ path })
    const db1 = createDatabase({ region: 'us-east-1', endpoint: first.endpoint, tables: UNIT_TABLES })
    expect(await ensureTables(db1.client, UNIT_TABLES)).toHaveLength(Object.keys(UNIT_TABLES).length)
    await db1.doc.send(new PutCommand({ TableName: UNIT_TABLES.rooms, Item: { id: 'kept', name: 'Kept' } }))
    await db1.close()
    await first.close()

    const second = await startEmbeddedDynamo({ path })
    const db2 = createDatabase({ region: 'us-east-1', endpoint: second.endpoint, tables: UNIT_TABLES })
    expect(await ensureTables(db2.client, UNIT_TABLES)).toEqual([])
    expect((await db2.doc.send(new GetCommand({ TableName: UNIT_TABLES.rooms, Key: { id: 'kept' } }))).Item).toEqual({ id: 'kept', name: 'Kept' })
    await db2.close()
    await second.close()
  })

  it('lists the rooms of a database from before the room directory existed', async () => {
    const path = mkdtempSync(join(tmpdir(), 'dynalite-upgrade-'))
    const server = await startEmbeddedDynamo({ path })
    const db = createDatabase({ region: 'us-east-1', endpoint: server.endpoint, tables: UNIT_TABLES })
    try {
      const { roomDirectory, ...before } = UNIT_TABLES
      await ensureTables(db.client, { ...before, roomDirectory: before.rooms })
      await db.doc.send(new PutCommand({ TableName: UNIT_TABLES.rooms, Item: { id: 'old-room', name: 'Old room', topic: 'From before', image: '/api/avatars/old-room.svg' } }))
      expect(await ensureTables(db.client, UNIT_TABLES)).toEqual([roomDirectory])
      const { Items } = await db.doc.send(new QueryCommand({ TableName: roomDirectory, KeyConditionExpression: 'directory = :d', ExpressionAttributeValues: { ':d': 'public' } }))
      expect(Items).toEqual([{ directory: 'public', id: 'old-room', name: 'Old room', topic: 'From before', image: '/api/avatars/old-room.svg' }])
    }
    finally {
      await db.close()
      await server.close()
    }
  })

  it('refuses a data folder another server holds, with a clear error instead of a crash', async () => {
    const path = mkdtempSync(join(tmpdir(), 'dynalite-lock-'))
    const first = await startEmbeddedDynamo({ path })
    try {
      await expect(startEmbeddedDynamo({ path })).rejects.toBeInstanceOf(DataFolderLockedError)
      await expect(startEmbeddedDynamo({ path })).rejects.toThrow(/already in use/)
    }
    finally {
      await first.close()
    }
  })

  it('closes LevelDB iterators that dynalite ends with return() (the 4.0.0 leak)', async () => {
    patchIteratorLeak()
    const { MemoryLevel } = require('memory-level') as typeof import('memory-level')
    const db = new MemoryLevel()
    await db.put('a', '1')
    const iterator = db.keys() as unknown as { return: () => Promise<void>, next: () => Promise<unknown> }
    expect(typeof iterator.return).toBe('function')
    await iterator.return()
    await expect(iterator.next()).rejects.toMatchObject({ code: 'LEVEL_ITERATOR_NOT_OPEN' })
    await db.close()
  })
})
