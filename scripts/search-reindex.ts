// `node scripts/search-reindex.ts [--delete-old]`: indexes every stored message into the search
// index, for a database whose messages were indexed by the first layout (term entries
// `t#<term>#<shard>`, which the app no longer reads; --delete-old then deletes them) or sent while
// SEARCH_INDEX was off. Reads the database and table names from the environment as the app does
// (DYNAMODB_ENDPOINT, *_TABLE; with neither, the embedded database under DATA_DIR, while no server
// holds it). It scans the Messages and Search tables: an operator's one-off job with the operator's
// credentials, never a request path (the app's task role cannot Scan).
import { parseArgs } from 'node:util'
import { ScanCommand } from '@aws-sdk/lib-dynamodb'
import { getServerConfig } from '../server/core/config.ts'
import { batchWrite } from '../server/storage/batch-write.ts'
import { closeDatabase, getDatabase } from '../server/storage/database.ts'
import { batchGetMessageItems, type MessageKey } from '../server/storage/messages-table.ts'
import { SearchIndexer } from '../server/domain/search/indexer.ts'

/** An entry of the first layout: `t#<term>#<shard>` (terms hold no '#'). */
const FIRST_LAYOUT = /^t#[^#]+#\d+$/

async function* scan(table: string, projection: string, names: Record<string, string>): AsyncGenerator<Record<string, unknown>[]> {
  const { doc } = await getDatabase()
  let start: Record<string, unknown> | undefined
  do {
    const page = await doc.send(new ScanCommand({ TableName: table, ProjectionExpression: projection, ExpressionAttributeNames: names, ExclusiveStartKey: start, Limit: 500 }))
    yield page.Items ?? []
    start = page.LastEvaluatedKey
  } while (start)
}

/** Indexes every message as stored now (deleted ones are skipped); with `deleteOld`, removes the first layout's entries. */
export async function reindexAll(options: { deleteOld: boolean, log?: (line: string) => void }): Promise<{ messages: number, deleted: number }> {
  const { tables } = await getDatabase()
  const indexer = new SearchIndexer({ flushMs: 60_000, takeoverMs: getServerConfig().searchIndexTakeoverMs })
  let messages = 0
  for await (const items of scan(tables.messages, '#room, message', { '#room': 'room' })) {
    const keys: MessageKey[] = items.map(item => ({ room: String(item.room), id: String(item.message) }))
    const stored = (await batchGetMessageItems(keys)).filter(m => !m.deleted)
    await indexer.reindex(stored)
    messages += stored.length
    options.log?.(`${messages} messages indexed`)
  }
  await indexer.stop()
  let deleted = 0
  if (options.deleteOld) {
    const { doc } = await getDatabase()
    for await (const items of scan(tables.search, '#key, #entry', { '#key': 'key', '#entry': 'entry' })) {
      const old = items.filter(item => FIRST_LAYOUT.test(String(item.key)))
      await batchWrite(doc, old.map(item => ({ table: tables.search, delete: { key: item.key, entry: item.entry } })), { concurrency: 2 })
      deleted += old.length
    }
    options.log?.(`${deleted} entries of the first layout deleted`)
  }
  return { messages, deleted }
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { 'delete-old': { type: 'boolean', default: false } } })
  try {
    await reindexAll({ deleteOld: values['delete-old'], log: line => process.stderr.write(`${line}\n`) })
  }
  finally {
    await closeDatabase()
  }
}
