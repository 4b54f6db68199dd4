import { LRUCache } from 'lru-cache'
import type { ChatMessage } from '#shared/types/chat'
import { hasLink, messageTerms } from '../../../shared/utils/search-terms.ts'
import { batchWrite, type WriteRequest } from '../../storage/batch-write.ts'
import { getServerConfig } from '../../core/config.ts'
import { getDatabase, type Database } from '../../storage/database.ts'

/**
 * The search index's items (table `search`, keys `key` + `entry`):
 *
 * - **Term entries**, one per distinct term of a message: `key = t#<term>#<shard>`,
 *   `entry = <message id>#<room>`, so one term's messages sort by time and a query reads them
 *   newest first. The shard (from the message id's random part) spreads a common word over
 *   SHARDS partitions: no single partition takes every message that says "deploy".
 *   `words` lists the message's terms (` a b c `) and `tags` its pseudo-terms (`|@alice|has:file|`)
 *   so that the other words and filters of a query are checked on the entries of one term, with
 *   no request per word.
 * - **Pseudo-terms** for the filters that can drive a query on their own: `@<author>`,
 *   `has:file`, `has:link`.
 * - **Vocabulary**: `key = v#<first letter>`, `entry = <term>`, written once per term per
 *   process (an LRU remembers what it wrote): a prefix is expanded to terms by `begins_with`.
 */

/** Partitions per term. A query reads all of them (in parallel); writes spread over them. */
export const SHARDS = 4

export function termKey(term: string, shard: number): string {
  return `t#${term}#${shard}`
}

export function vocabularyKey(term: string): string {
  return `v#${[...term][0]}`
}

/** The shard of a message: from the random hex at the end of its id, so it is stable. */
function shardOf(messageId: string): number {
  return Number.parseInt(messageId.slice(-4), 16) % SHARDS
}

function entryOf(message: Pick<ChatMessage, 'id' | 'room'>): string {
  return `${message.id}#${message.room}`
}

/** The message id and room an entry points at. */
export function parseEntry(entry: string): { id: string, room: string } {
  const at = entry.indexOf('#')
  return { id: entry.slice(0, at), room: entry.slice(at + 1) }
}

export const authorTerm = (username: string) => `@${username}`

/** The terms a message is found by: its words, its author and its has: flags. */
function indexedTerms(message: ChatMessage): { words: string[], pseudo: string[] } {
  const text = message.content.text
  const pseudo = [authorTerm(message.username)]
  // The files feature adds `attachments` to messages; a message with any is found by has:file.
  const { attachments } = message as { attachments?: unknown[] }
  if (attachments?.length) pseudo.push('has:file')
  if (hasLink(text)) pseudo.push('has:link')
  return { words: messageTerms(text), pseudo }
}

// Terms this process has written to the vocabulary. Losing one (eviction, restart) only costs a
// repeated, idempotent write.
const knownVocabulary = new LRUCache<string, true>({ max: 100_000 })

function entryItems(message: ChatMessage, table: string): WriteRequest[] {
  const { words, pseudo } = indexedTerms(message)
  const item = { entry: entryOf(message), room: message.room, words: ` ${words.join(' ')} `, tags: `|${pseudo.join('|')}|` }
  const shard = shardOf(message.id)
  return [...words, ...pseudo].map(term => ({ table, put: { key: termKey(term, shard), ...item } }))
}

function entryKeys(message: ChatMessage, table: string): { table: string, delete: Record<string, unknown> }[] {
  const { words, pseudo } = indexedTerms(message)
  const entry = entryOf(message)
  const shard = shardOf(message.id)
  return [...words, ...pseudo].map(term => ({ table, delete: { key: termKey(term, shard), entry } }))
}

function vocabularyItems(message: ChatMessage, table: string): WriteRequest[] {
  const requests: WriteRequest[] = []
  for (const term of indexedTerms(message).words) {
    // Long numbers (ids, timestamps) are nearly all distinct: listing each would cost a write per message.
    if (knownVocabulary.has(term) || /^\d{5,}$/.test(term)) continue
    knownVocabulary.set(term, true)
    requests.push({ table, put: { key: vocabularyKey(term), entry: term } })
  }
  return requests
}

/** The index items of a new message, written by the MessageWriter in the message's batch. */
export function searchIndexItems(message: ChatMessage, tables: Database['tables']): WriteRequest[] {
  if (!getServerConfig().searchIndex) return []
  return [...entryItems(message, tables.search), ...vocabularyItems(message, tables.search)]
}

/**
 * After an edit: removes the entries of terms the message no longer has and rewrites the others
 * (their `words` changed).
 */
export async function reindexMessage(before: ChatMessage, after: ChatMessage): Promise<void> {
  if (!getServerConfig().searchIndex) return
  const { doc, tables } = await getDatabase()
  const puts = entryItems(after, tables.search)
  const kept = new Set(puts.map(p => 'put' in p ? p.put.key : ''))
  const deletes = entryKeys(before, tables.search).filter(d => !kept.has(d.delete.key))
  await batchWrite(doc, [...deletes, ...puts, ...vocabularyItems(after, tables.search)])
}

/**
 * After a delete: removes every entry of the message (the vocabulary stays: it only names terms).
 * Search also drops hits whose message is gone or marked deleted, so a failure here never shows a
 * deleted message.
 */
export async function unindexMessage(message: ChatMessage): Promise<void> {
  const { doc, tables } = await getDatabase()
  await batchWrite(doc, entryKeys(message, tables.search))
}
