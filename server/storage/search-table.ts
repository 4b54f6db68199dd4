import { QueryCommand } from '@aws-sdk/lib-dynamodb'
import { getDatabase } from './database.ts'

/**
 * The Search table (`key` + `entry`): the message search index (domain/search/indexing.ts writes
 * it through batchWrite). Term entries sort a term's messages by time; vocabulary rows list the
 * terms under their first letter.
 */

/** What the rest of a query asks of an entry, checked by DynamoDB on the entries read. */
export interface EntryFilter {
  /** Whole terms the entry's `words` must hold (` a b c `). */
  words: string[]
  /** A term of `words` must start with this. */
  prefix: string | null
  /** Pseudo-terms the entry's `tags` must hold (`|@alice|has:file|`). */
  tags: string[]
  /** The entry's room. */
  room: string | null
}

/** A key range on `entry`: at or after `lower`, strictly before `upper`. */
export interface EntryRange { lower?: string, upper?: string }

function filterExpression(filter: EntryFilter): { FilterExpression?: string, ExpressionAttributeNames: Record<string, string>, ExpressionAttributeValues: Record<string, string> } {
  const conditions: string[] = []
  const values: Record<string, string> = {}
  const names: Record<string, string> = {}
  filter.words.forEach((word, i) => {
    conditions.push(`contains(#words, :w${i})`)
    values[`:w${i}`] = ` ${word} `
    names['#words'] = 'words'
  })
  if (filter.prefix) {
    conditions.push('contains(#words, :prefix)')
    values[':prefix'] = ` ${filter.prefix}`
    names['#words'] = 'words'
  }
  filter.tags.forEach((tag, i) => {
    conditions.push(`contains(#tags, :t${i})`)
    values[`:t${i}`] = `|${tag}|`
    names['#tags'] = 'tags'
  })
  if (filter.room) {
    conditions.push('#room = :room')
    values[':room'] = filter.room
    names['#room'] = 'room'
  }
  return { ...(conditions.length ? { FilterExpression: conditions.join(' AND ') } : {}), ExpressionAttributeNames: names, ExpressionAttributeValues: values }
}

function rangeCondition({ lower, upper }: EntryRange): { condition: string, values: Record<string, string> } {
  // Entries are `<id>#<room>`, never equal to a bare id or time, so BETWEEN excludes the upper bound.
  if (upper && lower) return { condition: ' AND #entry BETWEEN :lower AND :upper', values: { ':lower': lower, ':upper': upper } }
  if (upper) return { condition: ' AND #entry < :upper', values: { ':upper': upper } }
  if (lower) return { condition: ' AND #entry >= :lower', values: { ':lower': lower } }
  return { condition: '', values: {} }
}

/** A read position in one key's entries (DynamoDB's own), or undefined to start from the newest. */
export type EntryCursor = Record<string, unknown> | undefined

/**
 * Entries of `key` within `range` that pass `filter`, newest first: at most `limit` read (before
 * the filter), from `start`. `next` is where to go on, undefined when the key is read to its end.
 */
export async function queryEntries(key: string, options: { range: EntryRange, filter: EntryFilter, limit: number, start: EntryCursor }): Promise<{ entries: string[], next: EntryCursor }> {
  const { doc, tables } = await getDatabase()
  const filter = filterExpression(options.filter)
  const range = rangeCondition(options.range)
  const result = await doc.send(new QueryCommand({
    TableName: tables.search,
    KeyConditionExpression: `#key = :key${range.condition}`,
    ...(filter.FilterExpression ? { FilterExpression: filter.FilterExpression } : {}),
    ExpressionAttributeNames: { ...filter.ExpressionAttributeNames, '#key': 'key', '#entry': 'entry' },
    ExpressionAttributeValues: { ...filter.ExpressionAttributeValues, ...range.values, ':key': key },
    ProjectionExpression: '#entry',
    ScanIndexForward: false,
    Limit: options.limit,
    ExclusiveStartKey: options.start,
  }))
  return { entries: (result.Items ?? []).map(item => String(item.entry)), next: result.LastEvaluatedKey }
}

/** The entry a cursor stands at (the last one read). */
export function entryAt(cursor: NonNullable<EntryCursor>): string {
  return String(cursor.entry)
}

/** Entries of `key` starting with `prefix` (vocabulary lookups), in key order, at most `limit`. */
export async function queryEntriesStartingWith(key: string, prefix: string, limit: number): Promise<string[]> {
  const { doc, tables } = await getDatabase()
  const { Items = [] } = await doc.send(new QueryCommand({
    TableName: tables.search,
    KeyConditionExpression: '#key = :key AND begins_with(#entry, :prefix)',
    ExpressionAttributeNames: { '#key': 'key', '#entry': 'entry' },
    ExpressionAttributeValues: { ':key': key, ':prefix': prefix },
    Limit: limit,
  }))
  return Items.map(item => String(item.entry))
}
