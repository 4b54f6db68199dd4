import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb'

/**
 * The one definition of every DynamoDB table: key schemas and indexes.
 * The embedded database creates tables from it, and the test suite checks
 * infra/resources.yml against it, so the two cannot drift apart.
 */
export type TableKind = 'users' | 'messages' | 'rooms' | 'roomDirectory' | 'sessions' | 'memberships' | 'people' | 'search' | 'messageChanges' | 'threads'

/** The Sessions index listing one user's sessions (to end all the others). */
export const SESSIONS_BY_USERNAME = 'by-username'

/** The Memberships index listing one user's rooms (sidebar, socket subscriptions). */
export const MEMBERSHIPS_BY_USERNAME = 'by-username'

/** The Threads index listing the threads one person follows, newest activity first. */
export const THREADS_BY_FOLLOWER = 'by-follower'

export type TableDefinition = Pick<CreateTableCommandInput, 'AttributeDefinitions' | 'KeySchema' | 'GlobalSecondaryIndexes'>

export const TABLE_DEFINITIONS: Record<TableKind, TableDefinition> = {
  users: {
    AttributeDefinitions: [{ AttributeName: 'username', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'username', KeyType: 'HASH' }],
  },
  messages: {
    AttributeDefinitions: [
      { AttributeName: 'room', AttributeType: 'S' },
      { AttributeName: 'message', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'room', KeyType: 'HASH' },
      { AttributeName: 'message', KeyType: 'RANGE' },
    ],
  },
  rooms: {
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
  },
  // Every public room under one partition key, sorted by id: the room list is one Query (paged),
  // never a Scan. A table of its own because an index cannot be added to existing local tables.
  roomDirectory: {
    AttributeDefinitions: [
      { AttributeName: 'directory', AttributeType: 'S' },
      { AttributeName: 'id', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'directory', KeyType: 'HASH' },
      { AttributeName: 'id', KeyType: 'RANGE' },
    ],
  },
  // The change feed of each room: one row per edit, deletion or reaction, sorted by change time
  // (`<13-digit ms>:<16 hex>`), so a reconnecting client's catch-up is one Query per room. Rows
  // expire through DynamoDB's TTL on `expiresAt` (see message-changes.ts).
  messageChanges: {
    AttributeDefinitions: [
      { AttributeName: 'room', AttributeType: 'S' },
      { AttributeName: 'change', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'room', KeyType: 'HASH' },
      { AttributeName: 'change', KeyType: 'RANGE' },
    ],
  },
  // Rows expire through DynamoDB's TTL on `expiresAt` (infra/resources.yml); the app also ignores
  // expired rows, since TTL deletes late (and dynalite, the local database, has no TTL).
  sessions: {
    AttributeDefinitions: [
      { AttributeName: 'id', AttributeType: 'S' },
      { AttributeName: 'username', AttributeType: 'S' },
    ],
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    GlobalSecondaryIndexes: [{
      IndexName: SESSIONS_BY_USERNAME,
      KeySchema: [{ AttributeName: 'username', KeyType: 'HASH' }],
      Projection: { ProjectionType: 'KEYS_ONLY' },
    }],
  },
  // One row per (room, member): the table answers "members of a room" (authorisation of private
  // rooms and DMs, invites, mention autocomplete) and its index "rooms of a user" (sidebar, socket
  // subscriptions), both as Queries. The row also holds the member's own settings for the room
  // (muted, notify) and their unread mentions, so one Query fills a sidebar.
  memberships: {
    AttributeDefinitions: [
      { AttributeName: 'room', AttributeType: 'S' },
      { AttributeName: 'username', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'room', KeyType: 'HASH' },
      { AttributeName: 'username', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [{
      IndexName: MEMBERSHIPS_BY_USERNAME,
      KeySchema: [
        { AttributeName: 'username', KeyType: 'HASH' },
        { AttributeName: 'room', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    }],
  },
  // People by name for the "New message" picker: one row per account for its username and one for
  // its display name (folded: lower case, no accents), partitioned by the first character so a
  // prefix search is one Query with begins_with on `key` (`<folded name> <username>`).
  people: {
    AttributeDefinitions: [
      { AttributeName: 'prefix', AttributeType: 'S' },
      { AttributeName: 'key', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'prefix', KeyType: 'HASH' },
      { AttributeName: 'key', KeyType: 'RANGE' },
    ],
  },
  // The message search index (server/domain/search/indexer.ts, storage/search-table.ts): `key` is
  // a term (`t#<term>`) or a vocabulary partition (`v#<first letter>`); `entry` sorts the term's
  // posting blocks by their newest message id, or the vocabulary's terms (prefix lookups). The
  // indexer's durable position lives here too (storage/search-log.ts); its activity and log items
  // expire through DynamoDB's TTL on `expiresAt`.
  search: {
    AttributeDefinitions: [
      { AttributeName: 'key', AttributeType: 'S' },
      { AttributeName: 'entry', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'key', KeyType: 'HASH' },
      { AttributeName: 'entry', KeyType: 'RANGE' },
    ],
  },
  // Threads (storage/threads-table.ts): `r#<room>#<parent>` + reply id lists one thread in one
  // Query (the replies themselves live in Messages, in their room's partition); `f#<room>#<parent>`
  // + username is a follower's row. Follow rows carry `follower` and `activity` (the thread's
  // newest reply id), so the sparse index lists a person's threads newest activity first.
  threads: {
    AttributeDefinitions: [
      { AttributeName: 'key', AttributeType: 'S' },
      { AttributeName: 'entry', AttributeType: 'S' },
      { AttributeName: 'follower', AttributeType: 'S' },
      { AttributeName: 'activity', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'key', KeyType: 'HASH' },
      { AttributeName: 'entry', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [{
      IndexName: THREADS_BY_FOLLOWER,
      KeySchema: [
        { AttributeName: 'follower', KeyType: 'HASH' },
        { AttributeName: 'activity', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    }],
  },
}

/** The environment variable that names each table (read by the app, set by infra/chat-service.yml). */
export const TABLE_ENV_VARS: Record<TableKind, string> = {
  users: 'USER_TABLE',
  messages: 'MESSAGE_TABLE',
  rooms: 'ROOM_TABLE',
  roomDirectory: 'ROOM_DIRECTORY_TABLE',
  sessions: 'SESSION_TABLE',
  messageChanges: 'MESSAGE_CHANGE_TABLE',
  memberships: 'MEMBERSHIP_TABLE',
  people: 'PEOPLE_TABLE',
  search: 'SEARCH_TABLE',
  threads: 'THREAD_TABLE',
}
