import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { DataFolderLockedError, patchIteratorLeak, startEmbeddedDynamo } from '../../server/utils/embedded-dynamodb.ts'

const require = createRequire(import.meta.url)

describe('embedded DynamoDB', () => {
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
