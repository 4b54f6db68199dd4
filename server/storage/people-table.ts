import { DeleteCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb'
import type { Person } from '#shared/types/chat'
import { conditionally, getDatabase } from './database.ts'

/**
 * The People table (`prefix` + `key`): the "New message" picker's index of accounts, one row per
 * account for its username and one for its display name, each under the name folded (lower case,
 * no accents): `prefix` is its first character, `key` is `<folded name>|<username>`.
 *
 * It also holds name claims: `prefix` = `claim#<name key>`, `key` = `claim`, `username` = the
 * owner. A claim's partition is never a single character, so no people search reads one.
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

const claimKey = (nameKey: string) => ({ prefix: `claim#${nameKey}`, key: 'claim' })

/**
 * Claims a name key for `username` with one conditional put, atomic across instances: true when it
 * was free (or, unless `onlyIfFree`, already theirs), false when someone else holds it.
 */
export async function putNameClaim(nameKey: string, username: string, onlyIfFree = false): Promise<boolean> {
  const { doc, tables } = await getDatabase()
  return await conditionally(doc.send(new PutCommand({
    TableName: tables.people,
    Item: { ...claimKey(nameKey), username },
    ConditionExpression: onlyIfFree ? 'attribute_not_exists(prefix)' : 'attribute_not_exists(prefix) OR username = :me',
    ...(onlyIfFree ? {} : { ExpressionAttributeValues: { ':me': username } }),
  }))) !== null
}

/** Gives a name key back, if `username` holds it. */
export async function deleteNameClaim(nameKey: string, username: string): Promise<void> {
  const { doc, tables } = await getDatabase()
  await conditionally(doc.send(new DeleteCommand({
    TableName: tables.people,
    Key: claimKey(nameKey),
    ConditionExpression: 'username = :me',
    ExpressionAttributeValues: { ':me': username },
  })))
}
