import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb'
import { batchWrite } from './batch-write.ts'
import { getDatabase, queryPages } from './database.ts'
import { SESSIONS_BY_USERNAME } from './tables.ts'

/** A row of the Sessions table (`id`, index `by-username`): one signed-in browser (account or guest). */
export type SessionItem = {
  id: string
  username: string
  createdAt: number
  /** Epoch seconds: DynamoDB's TTL deletes the row some time after this; reads ignore it from then on. */
  expiresAt: number
}

export async function putSession(item: SessionItem): Promise<void> {
  const { doc, tables } = await getDatabase()
  await doc.send(new PutCommand({ TableName: tables.sessions, Item: item }))
}

export async function getSessionItem(id: string): Promise<SessionItem | null> {
  const { doc, tables } = await getDatabase()
  const { Item } = await doc.send(new GetCommand({ TableName: tables.sessions, Key: { id } }))
  return Item ? { id: String(Item.id), username: String(Item.username), createdAt: Number(Item.createdAt), expiresAt: Number(Item.expiresAt) } : null
}

export async function deleteSessionItem(id: string): Promise<void> {
  const { doc, tables } = await getDatabase()
  await doc.send(new DeleteCommand({ TableName: tables.sessions, Key: { id } }))
}

/** Ids of every session of `username` (the index's pages, read to the end). */
export async function sessionIdsOf(username: string): Promise<string[]> {
  const { tables } = await getDatabase()
  const items = await queryPages({
    TableName: tables.sessions,
    IndexName: SESSIONS_BY_USERNAME,
    KeyConditionExpression: 'username = :u',
    ExpressionAttributeValues: { ':u': username },
  })
  return items.map(item => String(item.id))
}

/** Deletes sessions in batches of 25, sending again what DynamoDB left unprocessed. */
export async function deleteSessionItems(ids: string[]): Promise<void> {
  const { doc, tables } = await getDatabase()
  await batchWrite(doc, ids.map(id => ({ table: tables.sessions, delete: { id } })))
}
