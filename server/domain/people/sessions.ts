import { randomBytes } from 'node:crypto'
import { BatchWriteCommand, DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb'
import { LRUCache } from 'lru-cache'
import { getDatabase } from '../../storage/database.ts'
import { SESSIONS_BY_USERNAME } from '../../storage/tables.ts'

/** A row of the Sessions table: one signed-in browser (account or guest). */
interface SessionRecord {
  id: string
  username: string
  createdAt: number
  /** Epoch seconds: DynamoDB's TTL deletes the row some time after this; reads ignore it from then on. */
  expiresAt: number
}

/** What the cache knows of a session id: whose active session it is, or that it is over. */
type Known = { username: string } | { revoked: true }
const REVOKED: Known = { revoked: true }

export interface SessionStoreOptions {
  /** How long a session lasts from sign-in (the cookie's own lifetime). */
  maxAgeSeconds: number
  /** How long an instance trusts what it learnt about a session without asking the table again. */
  cacheMs?: number
  /** Sessions remembered per instance; the least recently used are forgotten first. */
  cacheMax?: number
  /** The clock (tests move it instead of waiting). */
  now?: () => number
}

/**
 * Server-side sessions, so that signing out ends a session everywhere: the sealed cookie carries
 * a session id, and a request or socket handshake counts as signed in only while that id is in
 * the Sessions table. Each instance caches answers for a few seconds (bounded), so a page load
 * costs at most one read; revoking marks the ids revoked in the local cache at once, and other
 * instances are told through `forget` (socket.io.ts relays it through the Redis adapter).
 */
export class SessionStore {
  readonly #maxAgeSeconds: number
  readonly #now: () => number
  readonly #cache: LRUCache<string, Known>

  constructor(options: SessionStoreOptions) {
    this.#maxAgeSeconds = options.maxAgeSeconds
    this.#now = options.now ?? Date.now
    const now = this.#now
    this.#cache = new LRUCache<string, Known>({
      max: options.cacheMax ?? 10_000,
      ttl: options.cacheMs ?? 5_000,
      perf: { now },
      // Read the clock on every check instead of lru-cache's 1 ms cached reading: cheap, and exact.
      ttlResolution: 0,
      // Concurrent checks of one id share one read; a revocation arriving meanwhile (a `set`)
      // aborts that read, so a stale "active" can never overwrite "revoked".
      fetchMethod: async id => await this.#read(id) ?? REVOKED,
    })
  }

  /** Records a new session for `username` and returns its id (128 random bits). */
  async create(username: string): Promise<string> {
    const { doc, tables } = await getDatabase()
    const createdAt = this.#now()
    const record: SessionRecord = {
      id: randomBytes(16).toString('base64url'),
      username,
      createdAt,
      expiresAt: Math.ceil(createdAt / 1000) + this.#maxAgeSeconds,
    }
    await doc.send(new PutCommand({ TableName: tables.sessions, Item: record }))
    this.#cache.set(record.id, { username })
    return record.id
  }

  /** Whether `id` is an active session of `username` (cached for a few seconds). */
  async isActive(id: string, username: string): Promise<boolean> {
    let known: Known | undefined
    try {
      known = await this.#cache.fetch(id)
    }
    catch (error) {
      // Aborted by a revocation while reading: the cache now holds the answer.
      known = this.#cache.get(id)
      if (!known) throw error
    }
    return Boolean(known && 'username' in known && known.username === username)
  }

  /** Ends one session. */
  async revoke(id: string): Promise<void> {
    this.forget([id])
    const { doc, tables } = await getDatabase()
    await doc.send(new DeleteCommand({ TableName: tables.sessions, Key: { id } }))
  }

  /** Ends every session of `username` except `keep`; returns the ids ended. */
  async revokeOthers(username: string, keep: string | null): Promise<string[]> {
    const { doc, tables } = await getDatabase()
    const ids: string[] = []
    let ExclusiveStartKey: Record<string, unknown> | undefined
    do {
      const page = await doc.send(new QueryCommand({
        TableName: tables.sessions,
        IndexName: SESSIONS_BY_USERNAME,
        KeyConditionExpression: 'username = :u',
        ExpressionAttributeValues: { ':u': username },
        ExclusiveStartKey,
      }))
      for (const item of page.Items ?? []) if (item.id !== keep) ids.push(item.id as string)
      ExclusiveStartKey = page.LastEvaluatedKey
    } while (ExclusiveStartKey)
    this.forget(ids)
    for (let i = 0; i < ids.length; i += 25) {
      let RequestItems: Record<string, { DeleteRequest: { Key: Record<string, string> } }[]> | undefined = {
        [tables.sessions]: ids.slice(i, i + 25).map(id => ({ DeleteRequest: { Key: { id } } })),
      }
      // DynamoDB may leave some items of a batch unprocessed under load: send those again.
      for (let attempt = 0; RequestItems && Object.keys(RequestItems).length; attempt++) {
        if (attempt > 0) await new Promise(resolve => setTimeout(resolve, 50 * 2 ** Math.min(attempt, 6)))
        const result = await doc.send(new BatchWriteCommand({ RequestItems }))
        RequestItems = result.UnprocessedItems as typeof RequestItems
      }
    }
    return ids
  }

  /** Marks sessions revoked in this instance's cache (they were ended here or on another instance). */
  forget(ids: readonly string[]): void {
    for (const id of ids) this.#cache.set(id, REVOKED)
  }

  async #read(id: string): Promise<Known | null> {
    const { doc, tables } = await getDatabase()
    const { Item } = await doc.send(new GetCommand({ TableName: tables.sessions, Key: { id } }))
    const record = Item as SessionRecord | undefined
    // DynamoDB's TTL deletes expired rows only eventually (and dynalite never): past its expiry a row counts as gone.
    if (!record || record.expiresAt * 1000 <= this.#now()) return null
    return { username: record.username }
  }
}
