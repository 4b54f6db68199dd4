import { mkdirSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import { createRequire } from 'node:module'
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, PutItemCommand, ScanCommand, type ScanCommandOutput } from '@aws-sdk/client-dynamodb'
import { TABLE_DEFINITIONS, type TableKind } from './tables.ts'

/**
 * The embedded DynamoDB-compatible server (dynalite) used when no endpoint is
 * configured outside production, and by `npm run db`. Never loaded in production.
 */
export interface EmbeddedDynamo {
  endpoint: string
  close: () => Promise<void>
}

export class DataFolderLockedError extends Error {
  readonly path: string
  constructor(path: string) {
    super(`The embedded database folder ${path} is already in use by another process (another "npm run dev" or "npm run db"?). `
      + 'Stop it, or point this one at it with DYNAMODB_ENDPOINT, or choose another DATA_DIR.')
    this.path = path
    this.name = 'DataFolderLockedError'
  }
}

const require = createRequire(import.meta.url)

/**
 * dynalite 4.0.0 ends its LevelDB streams with `iterator.return()`, which
 * abstract-level 3 iterators lack, so every Query/Scan left an iterator open
 * (about 13 MB per 1,000 queries). Closing the iterator there fixes the leak.
 */
export function patchIteratorLeak(): void {
  const abstractLevel = require('abstract-level') as Record<string, { prototype: { return?: () => Promise<void>, close: () => Promise<void> } }>
  for (const name of ['AbstractIterator', 'AbstractKeyIterator', 'AbstractValueIterator']) {
    const proto = abstractLevel[name]?.prototype
    if (proto && !proto.return) {
      proto.return = function (this: { close: () => Promise<void> }) {
        return this.close()
      }
    }
  }
}

/** Two dynalite servers on one folder crash on the first request: check LevelDB's lock first. */
async function assertFolderFree(path: string): Promise<void> {
  const { Level } = require('level') as typeof import('level')
  const db = new Level(path)
  try {
    await db.open()
  }
  catch (error) {
    const code = (error as { cause?: { code?: string }, code?: string }).cause?.code ?? (error as { code?: string }).code
    if (code === 'LEVEL_LOCKED') throw new DataFolderLockedError(path)
    throw error
  }
  await db.close()
}

/** Starts dynalite on loopback; `path` persists data on disk, omit it for memory only. */
export async function startEmbeddedDynamo(options: { path?: string, port?: number, host?: string } = {}): Promise<EmbeddedDynamo> {
  patchIteratorLeak()
  if (options.path) {
    mkdirSync(options.path, { recursive: true })
    await assertFolderFree(options.path)
  }
  const dynalite = require('dynalite') as (opts: Record<string, unknown>) => Server
  const server = dynalite({ path: options.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 })
  const host = options.host ?? '127.0.0.1'
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => resolve())
  })
  const { port } = server.address() as AddressInfo
  const endpoint = `http://${host}:${port}`
  // dynalite opens (and locks) its folder on the first request, not when it starts: make one, so
  // that from here on another server on this folder is refused by assertFolderFree.
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } })
  await client.send(new DescribeTableCommand({ TableName: 'fargate-chat-open' })).catch((error: Error) => {
    if (error.name !== 'ResourceNotFoundException') throw error
  }).finally(() => client.destroy())
  return {
    endpoint,
    close: () => new Promise<void>(resolve => server.close(() => resolve())),
  }
}

/** Creates any missing table from TABLE_DEFINITIONS (DescribeTable first: ListTables reads the whole database in dynalite). */
export async function ensureTables(client: DynamoDBClient, names: Record<TableKind, string>): Promise<string[]> {
  const created: string[] = []
  for (const kind of Object.keys(TABLE_DEFINITIONS) as TableKind[]) {
    const TableName = names[kind]
    try {
      await client.send(new DescribeTableCommand({ TableName }))
      continue
    }
    catch (error) {
      if ((error as Error).name !== 'ResourceNotFoundException') throw error
    }
    try {
      await client.send(new CreateTableCommand({ TableName, BillingMode: 'PAY_PER_REQUEST', ...TABLE_DEFINITIONS[kind] }))
      created.push(TableName)
    }
    catch (error) {
      // Another process created it between our DescribeTable and CreateTable.
      if ((error as Error).name !== 'ResourceInUseException') throw error
    }
  }
  if (created.includes(names.roomDirectory) && !created.includes(names.rooms)) await backfillRoomDirectory(client, names)
  return created
}

/**
 * A local database from before the room directory existed: list its rooms there once (the
 * directory entry is the room's id, name, topic and image under the 'public' partition, as
 * room-directory.ts writes it). Startup only; no request ever scans.
 */
async function backfillRoomDirectory(client: DynamoDBClient, names: Record<TableKind, string>): Promise<void> {
  let ExclusiveStartKey: ScanCommandOutput['LastEvaluatedKey']
  do {
    const page: ScanCommandOutput = await client.send(new ScanCommand({ TableName: names.rooms, ExclusiveStartKey }))
    for (const room of page.Items ?? []) {
      const { id, name, topic, image } = room
      await client.send(new PutItemCommand({ TableName: names.roomDirectory, Item: { directory: { S: 'public' }, id: id!, name: name!, topic: topic!, image: image! } }))
    }
    ExclusiveStartKey = page.LastEvaluatedKey
  } while (ExclusiveStartKey)
}
