import { DeleteCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb'
import type { Person } from '#shared/types/chat'
import { getDatabase } from './database.ts'

/**
 * The People table (`prefix` + `key`): the "New message" picker's index of accounts, one row per
 * account for its username and one for its display name, each under the name folded (lower case,
 * no accents): `prefix` is its first character, `key` is `<folded name>|<username>`.
 */
export type PeopleRow = Person & {
  prefix: string
  key: string
}

export async function putPeopleRows(rows: PeopleRow[]): Promise<void> {
  const { doc, tables } = await getDatabase()
  await Promise.all(rows.map(Item => doc.send(new PutCommand({ TableName: tables.people, Item }))))
}

export async function deletePeopleRow(row: Pick<PeopleRow, 'prefix' | 'key'>): Promise<void> {
  const { doc, tables } = await getDatabase()
  await doc.send(new DeleteCommand({ TableName: tables.people, Key: { prefix: row.prefix, key: row.key } }))
}

/** Rows under `prefix` whose key starts with `folded` (one Query), at most `limit`. */
export async function queryPeopleRows(prefix: string, folded: string, limit: number): Promise<Person[]> {
  const { doc, tables } = await getDatabase()
  const { Items } = await doc.send(new QueryCommand({
    TableName: tables.people,
    KeyConditionExpression: 'prefix = :prefix AND begins_with(#key, :folded)',
    ExpressionAttributeNames: { '#key': 'key' },
    ExpressionAttributeValues: { ':prefix': prefix, ':folded': folded },
    Limit: limit,
  }))
  return (Items ?? []).map(item => ({ username: String(item.username), displayName: String(item.displayName), avatar: String(item.avatar) }))
}
