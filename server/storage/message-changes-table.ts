import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb'
import { getDatabase } from './database.ts'

/**
 * The Message changes table (`room` + `change`, a time-sorted id like a message id): one row per
 * edit, deletion or reaction, naming the message that changed. Rows expire through DynamoDB's TTL
 * on `expiresAt` (epoch seconds).
 */
export type ChangeItem = {
  room: string
  change: string
  message: string
  expiresAt: number
}

export async function putChange(item: ChangeItem): Promise<void> {
  const { doc, tables } = await getDatabase()
  await doc.send(new PutCommand({ TableName: tables.messageChanges, Item: item }))
}

/** Rows of `room` after `cursor` (a change id or a prefix of one), oldest first, at most `limit`. */
export async function queryChanges(room: string, cursor: string, limit: number): Promise<{ rows: Pick<ChangeItem, 'change' | 'message'>[], more: boolean }> {
  const { doc, tables } = await getDatabase()
  const page = await doc.send(new QueryCommand({
    TableName: tables.messageChanges,
    KeyConditionExpression: '#room = :room AND #change > :cursor',
    ExpressionAttributeNames: { '#room': 'room', '#change': 'change' },
    ExpressionAttributeValues: { ':room': room, ':cursor': cursor },
    ProjectionExpression: '#change, message',
    Limit: limit,
  }))
  const rows = (page.Items ?? []).map(item => ({ change: String(item.change), message: String(item.message) }))
  return { rows, more: Boolean(page.LastEvaluatedKey) }
}
