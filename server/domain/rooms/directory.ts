import { DeleteCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb'
import { LRUCache, type Perf } from 'lru-cache'
import type { DirectoryPage, DirectoryRoom, Room } from '#shared/types/chat'
import { getDatabase } from '../../storage/database.ts'

/** The one partition of the directory table: every public room. */
const PUBLIC = 'public'

const entry = (room: Room) => ({ directory: PUBLIC, id: room.id, name: room.name, topic: room.topic, image: room.image })

/** Lists a public room in the directory, or updates its listing (idempotent). */
export async function addToDirectory(room: Room): Promise<void> {
  const { doc, tables } = await getDatabase()
  await doc.send(new PutCommand({ TableName: tables.roomDirectory, Item: entry(room) }))
}

/** A deleted room leaves the directory. */
export async function removeFromDirectory(id: string): Promise<void> {
  const { doc, tables } = await getDatabase()
  await doc.send(new DeleteCommand({ TableName: tables.roomDirectory, Key: { directory: PUBLIC, id } }))
}

/** One page of public rooms by id, after `after` (a room id); one Query, never a Scan. */
export async function readDirectoryPage(options: { after?: string, limit: number }): Promise<DirectoryPage> {
  const { doc, tables } = await getDatabase()
  const page = await doc.send(new QueryCommand({
    TableName: tables.roomDirectory,
    KeyConditionExpression: options.after ? 'directory = :public AND id > :after' : 'directory = :public',
    ExpressionAttributeValues: options.after ? { ':public': PUBLIC, ':after': options.after } : { ':public': PUBLIC },
    ProjectionExpression: 'id, #name, topic, image',
    ExpressionAttributeNames: { '#name': 'name' },
    Limit: options.limit,
  }))
  const rooms = (page.Items ?? []) as DirectoryRoom[]
  return { rooms, next: page.LastEvaluatedKey && rooms.length ? rooms[rooms.length - 1]!.id : null }
}

/**
 * Directory pages, per instance. A new room anywhere invalidates them (`invalidate`, called here
 * and, through the Socket.io adapter, on every other instance); a short expiry covers a missed
 * invalidation (say, during a Redis outage). Concurrent misses of one page share one Query.
 */
export class DirectoryCache {
  readonly #read: typeof readDirectoryPage
  readonly #cache: LRUCache<string, DirectoryPage>
  readonly #pending = new Map<string, Promise<DirectoryPage>>()
  /** Bumped by `invalidate`: reads started before it are not kept. */
  #generation = 0

  constructor(read: typeof readDirectoryPage = readDirectoryPage, options: { ttlMs?: number, max?: number, clock?: Perf } = {}) {
    this.#read = read
    this.#cache = new LRUCache<string, DirectoryPage>({ max: options.max ?? 200, ttl: options.ttlMs ?? 30_000, perf: options.clock })
  }

  page(options: { after?: string, limit: number }): Promise<DirectoryPage> {
    const key = `${this.#generation}|${options.after ?? ''}|${options.limit}`
    const cached = this.#cache.get(key)
    if (cached) return Promise.resolve(cached)
    let pending = this.#pending.get(key)
    if (!pending) {
      pending = this.#read(options)
        .then((page) => {
          if (key.startsWith(`${this.#generation}|`)) this.#cache.set(key, page)
          return page
        })
        .finally(() => this.#pending.delete(key))
      this.#pending.set(key, pending)
    }
    return pending
  }

  invalidate(): void {
    this.#generation++
    this.#cache.clear()
  }
}
