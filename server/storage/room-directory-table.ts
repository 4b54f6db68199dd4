import { DeleteCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb'
import type { DirectoryPage, DirectoryRoom } from '#shared/types/chat'
import { getDatabase } from './database.ts'

/**
 * The Room directory table (`directory` + `id`): every public room under one partition key, sorted
 * by id, so listing rooms is a Query by pages, never a Scan.
 */
const PUBLIC = 'public'

/** Lists a public room, or updates its listing (idempotent); an archived room says so (the sidebar of someone not in it shows it read-only). */
export async function putDirectoryEntry(room: DirectoryRoom): Promise<void> {
  const { doc, tables } = await getDatabase()
  await doc.send(new PutCommand({ TableName: tables.roomDirectory, Item: { directory: PUBLIC, id: room.id, name: room.name, topic: room.topic, image: room.image, ...(room.archived ? { archived: true } : {}) } }))
}

export async function deleteDirectoryEntry(id: string): Promise<void> {
  const { doc, tables } = await getDatabase()
  await doc.send(new DeleteCommand({ TableName: tables.roomDirectory, Key: { directory: PUBLIC, id } }))
}

/** One page of public rooms by id, after `after` (a room id). */
export async function queryDirectory(options: { after?: string, limit: number }): Promise<DirectoryPage> {
  const { doc, tables } = await getDatabase()
  const page = await doc.send(new QueryCommand({
    TableName: tables.roomDirectory,
    KeyConditionExpression: options.after ? 'directory = :public AND id > :after' : 'directory = :public',
    ExpressionAttributeValues: options.after ? { ':public': PUBLIC, ':after': options.after } : { ':public': PUBLIC },
    ProjectionExpression: 'id, #name, topic, image, archived',
    ExpressionAttributeNames: { '#name': 'name' },
    Limit: options.limit,
  }))
  const rooms = (page.Items ?? []).map(item => ({ id: String(item.id), name: String(item.name), topic: String(item.topic ?? ''), image: String(item.image ?? ''), ...(item.archived ? { archived: true } : {}) }))
  return { rooms, next: page.LastEvaluatedKey && rooms.length ? rooms.at(-1)!.id : null }
}
