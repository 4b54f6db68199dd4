import type { ChatMessage } from '#shared/types/chat'
import type { PendingAnswer, PendingQuery } from '#shared/types/search'
import { getServerConfig } from '../../core/config.ts'
import { log } from '../../core/logger.ts'
import type { MessageWriterHooks } from '../../storage/message-writer.ts'
import { SearchIndexer } from './indexer.ts'

/**
 * Where the rest of the domain meets the search indexer (indexer.ts): the message writer's hooks,
 * and the calls edits and deletions make. All of it does nothing with SEARCH_INDEX=off.
 */

let indexer: SearchIndexer | null | undefined

/** This process's indexer, created on first use; null when search is off. */
function useSearchIndexer(): SearchIndexer | null {
  if (indexer === undefined) {
    const config = getServerConfig()
    indexer = config.searchIndex
      ? new SearchIndexer({ flushMs: config.searchIndexDelayMs, takeoverMs: config.searchIndexTakeoverMs })
      : null
  }
  return indexer
}

/** The message writer's hooks: the index's durable record rides with each batch; stored batches are queued for indexing. */
export const indexingHooks: MessageWriterHooks = {
  companions: (messages, tables) => useSearchIndexer()?.companions(messages, tables) ?? [],
  settled: (messages, error) => useSearchIndexer()?.settled(messages, error),
}

/** Before an edit is written: its durable record for the indexer. Null when search is off. */
export async function beforeEdit(room: string, id: string): Promise<number | null> {
  return await useSearchIndexer()?.beforeEdit(room, id) ?? null
}

/** After an edit (`after` null: it did not happen): the old text's postings go, the new text is indexed. */
export function afterEdit(ticket: number | null, before: ChatMessage | null, after: ChatMessage | null): void {
  if (ticket !== null) useSearchIndexer()?.edited(ticket, before, after)
}

/** After a deletion: the message's postings go (search never shows it anyway: hits are checked against it). */
export function afterDelete(before: ChatMessage): void {
  useSearchIndexer()?.deleted(before)
}

/** The messages stored by this server and not yet in the index that match `query` (search reads them too). */
export function pendingMessages(query: PendingQuery): PendingAnswer {
  return useSearchIndexer()?.pending(query) ?? { hits: [], floor: '' }
}

/** Indexes everything stored so far (tests and benchmarks wait on it). */
export async function flushSearchIndex(): Promise<void> {
  await useSearchIndexer()?.flush()
}

/** Starts taking over the unfinished indexing of servers that stopped (at boot). */
export function startSearchRecovery(): void {
  useSearchIndexer()?.startRecovery()
}

/** On shutdown: index what is queued; a failure is left to another server's recovery. */
export async function stopSearchIndexer(): Promise<void> {
  await indexer?.stop().catch((error: unknown) => log.warn('search.stop_failed', { error }))
}
