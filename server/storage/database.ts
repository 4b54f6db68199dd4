import { resolve } from 'node:path'
import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb'
import { getServerConfig, type AppConfig } from '../core/config.ts'
import type { TableKind } from './tables.ts'
import type { EmbeddedDynamo } from './embedded-dynamodb.ts'

/** The storage client every domain module uses: real DynamoDB, or any compatible endpoint. */
export interface Database {
  client: DynamoDBClient
  doc: DynamoDBDocumentClient
  tables: Record<TableKind, string>
  /** Where it points, for logs: 'aws', an endpoint URL, or 'embedded <url>'. */
  location: string
  close: () => Promise<void>
}

export function createDatabase(options: { region: string, endpoint?: string, tables: Record<TableKind, string>, location?: string, onClose?: () => Promise<void> }): Database {
  const client = new DynamoDBClient({
    region: options.region,
    endpoint: options.endpoint,
    // Local and compatible servers (dynalite) get fixed credentials of their own, whatever AWS
    // credentials the shell holds; in AWS (no endpoint) the task role's credentials are used.
    ...(options.endpoint ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    maxAttempts: 4,
  })
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } })
  return {
    client,
    doc,
    tables: options.tables,
    location: options.location ?? options.endpoint ?? 'aws',
    async close() {
      client.destroy()
      await options.onClose?.()
    },
  }
}

async function connect(config: AppConfig): Promise<Database> {
  const base = { region: config.awsRegion, tables: config.tables }
  if (config.dynamodbEndpoint || config.production) {
    return createDatabase({ ...base, endpoint: config.dynamodbEndpoint })
  }
  // Zero configuration: an in-process dynalite persisted under the data folder.
  const { startEmbeddedDynamo, ensureTables } = await import('./embedded-dynamodb.ts')
  const embedded: EmbeddedDynamo = await startEmbeddedDynamo({ path: resolve(config.dataDir, 'dynamodb') })
  const db = createDatabase({ ...base, endpoint: embedded.endpoint, location: `embedded ${embedded.endpoint}`, onClose: embedded.close })
  await ensureTables(db.client, config.tables)
  return db
}

/** Proves the database answers (readiness): a GetItem needs no more permission than the app has (DescribeTable would). */
export async function pingDatabase(): Promise<void> {
  const { doc, tables } = await getDatabase()
  await doc.send(new GetCommand({ TableName: tables.rooms, Key: { id: '__ready__' } }))
}

/** DynamoDB refused a write because its condition did not hold (the one spelling of this check). */
function isConditionalCheckFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException'
}

/** A conditional write's answer, or null when its condition did not hold; other failures throw. */
export async function conditionally<T>(write: Promise<T>): Promise<T | null> {
  try {
    return await write
  }
  catch (error) {
    if (isConditionalCheckFailed(error)) return null
    throw error
  }
}

let current: Promise<Database> | undefined

/** The process's database, connected (and for the embedded one, started) on first use. */
/**
 * The items of a Query, one 1 MB page after another, until the end or until at least `max` items
 * are in hand (the last page whole). For small partitions and indexes, or with a bound.
 */
export async function queryPages(input: Omit<QueryCommandInput, 'ExclusiveStartKey'>, max = Infinity): Promise<Record<string, unknown>[]> {
  const { doc } = await getDatabase()
  const items: Record<string, unknown>[] = []
  let start: Record<string, unknown> | undefined
  do {
    const page = await doc.send(new QueryCommand({ ...input, ExclusiveStartKey: start }))
    items.push(...page.Items ?? [])
    start = page.LastEvaluatedKey
  } while (start && items.length < max)
  return items
}

/** Sets one attribute of an item that must exist (a missing item fails the write's condition). */
export async function setAttribute(table: TableKind, key: Record<string, string>, attribute: string, value: unknown): Promise<void> {
  const { doc, tables } = await getDatabase()
  await doc.send(new UpdateCommand({
    TableName: tables[table],
    Key: key,
    UpdateExpression: 'SET #attribute = :value',
    ConditionExpression: 'attribute_exists(#key)',
    ExpressionAttributeNames: { '#attribute': attribute, '#key': Object.keys(key)[0]! },
    ExpressionAttributeValues: { ':value': value },
  }))
}

export function getDatabase(): Promise<Database> {
  current ??= connect(getServerConfig())
  current.catch(() => { current = undefined })
  return current
}

/** Points the domain modules at another database (tests, scripts). */
export function setDatabase(db: Database | undefined): void {
  current = db ? Promise.resolve(db) : undefined
}

export async function closeDatabase(): Promise<void> {
  const db = current
  current = undefined
  if (db) await (await db).close()
}
