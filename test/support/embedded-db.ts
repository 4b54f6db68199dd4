import { afterAll, beforeAll } from 'vitest'
import { createDatabase, setDatabase } from '../../server/storage/database.ts'
import { ensureTables, startEmbeddedDynamo, type EmbeddedDynamo } from '../../server/storage/embedded-dynamodb.ts'

export const UNIT_TABLES = { users: 'fargate-chat-users', messages: 'fargate-chat-messages', rooms: 'fargate-chat-rooms', roomDirectory: 'fargate-chat-room-directory', sessions: 'fargate-chat-sessions', memberships: 'fargate-chat-memberships', people: 'fargate-chat-people', search: 'fargate-chat-search', messageChanges: 'fargate-chat-message-changes', threads: 'fargate-chat-threads' }

/** Points the domain modules at a fresh in-memory dynalite for the tests of one file. */
export function useEmbeddedDatabase(): void {
  let embedded: EmbeddedDynamo
  beforeAll(async () => {
    embedded = await startEmbeddedDynamo()
    const db = createDatabase({ region: 'us-east-1', endpoint: embedded.endpoint, tables: UNIT_TABLES })
    await ensureTables(db.client, UNIT_TABLES)
    setDatabase(db)
  })
  afterAll(async () => {
    setDatabase(undefined)
    await embedded?.close()
  })
}
