import { randomBytes } from 'node:crypto'
import { describe, expect, it, vi } from 'vitest'
import type { ChatMessage, PublicUser } from '#shared/types/chat'
import { parseSearchQuery } from '../../shared/utils/search-query.ts'
import { getDatabase, setDatabase, type Database } from '../../server/storage/database.ts'
import { MessageWriter } from '../../server/storage/message-writer.ts'
import { markMessageDeleted, updateMessageText } from '../../server/storage/messages-table.ts'
import { postingBlockItems, queryPostingBlocks, TIERS } from '../../server/storage/search-table.ts'
import { listHeads } from '../../server/storage/search-log.ts'
import { itemSize, writeUnits } from '../../server/storage/write-units.ts'
import { saveMessage } from '../../server/domain/messages/messages.ts'
import { ensureDefaultRooms } from '../../server/domain/rooms/rooms.ts'
import { MAX_OPS, SearchIndexer } from '../../server/domain/search/indexer.ts'
import { indexedTerms, signatureOf } from '../../server/domain/search/postings.ts'
import { searchMessages } from '../../server/domain/search/search.ts'
import { flushMetrics } from '../../server/core/metrics.ts'
import { useEmbeddedDatabase } from '../support/embedded-db.ts'
import { reindexAll } from '../../scripts/search-reindex.ts'
import { batchWrite } from '../../server/storage/batch-write.ts'

// The app's metrics recorder, on (it reads the environment at its first use), flushed only when asked.
vi.stubEnv('METRICS_SERVICE', 'search-test')
vi.stubEnv('METRICS_INTERVAL_SECONDS', '3600')

// Nitro's hook bus exists only in a built server; with no Redis, search asks no other instance anyway.
vi.mock('../../server/domain/events.ts', () => ({ announce: async () => {} }))

useEmbeddedDatabase()

const reader: PublicUser = { username: 'reader', avatar: '/a.svg', guest: false }
const search = async (text: string) => (await searchMessages(reader, parseSearchQuery(text), { limit: 50 })).messages.map(m => m.id)
const TAKEOVER = 200

function message(room: string, text: string, time = Date.now()): ChatMessage {
  return { id: `${String(time).padStart(13, '0')}:${randomBytes(8).toString('hex')}`, room, username: 'ann', avatar: '/a.svg', time, content: { text } }
}

/**
 * A server's indexer and message writer whose process "dies": its clock stops, so its head goes
 * stale as a dead server's does, and it never flushes. With a long takeover period of its own it
 * does not even beat during a test; with a short one, messages written under old ids are late to it.
 */
function doomedServer(takeoverMs = 60_000): { indexer: SearchIndexer, writer: MessageWriter } {
  const stopped = Date.now()
  const indexer = new SearchIndexer({ flushMs: 60_000, takeoverMs, now: () => stopped })
  const writer = new MessageWriter(getDatabase, 2, { companions: (m, t) => indexer.companions(m, t), settled: (m, e) => indexer.settled(m, e) })
  return { indexer, writer }
}

/** A live server's indexer, recovering stale heads as soon as they are stale. */
async function recoverWithAnotherServer(): Promise<SearchIndexer> {
  // Its clock is past the takeover period already: the dead server's head is stale without waiting.
  const rescuer = new SearchIndexer({ flushMs: 10, takeoverMs: TAKEOVER, now: () => Date.now() + TAKEOVER + 50 })
  await rescuer.recoverStale()
  await rescuer.flush()
  return rescuer
}

type Sent = { input: { RequestItems?: Record<string, { PutRequest?: { Item: Record<string, unknown> } }[]> } }

describe('the search index and the acknowledgement', () => {
  it('confirms a message once it is stored, while its index entries are still unwritten', async () => {
    const db = await getDatabase()
    let release!: () => void
    const held = new Promise<void>((resolve) => { release = resolve })
    let indexWriteSeen!: () => void
    const indexWrite = new Promise<string>((resolve) => { indexWriteSeen = () => resolve('index write before the confirmation') })
    // Any request writing term entries waits until the test ends.
    const gated: Database = { ...db, doc: { send: async (command: Sent) => {
      const items = Object.values(command.input.RequestItems ?? {}).flat()
      if (items.some(item => /^t\d*#/.test(String(item.PutRequest?.Item.key ?? '')))) {
        indexWriteSeen()
        await held
      }
      return db.doc.send(command as never)
    } } as unknown as Database['doc'] }
    setDatabase(gated)
    try {
      expect(await Promise.race([saveMessage(message('general', 'confirmed before indexed')).then(() => 'confirmed'), indexWrite])).toBe('confirmed')
    }
    finally {
      release()
      setDatabase(db)
    }
  })
})

describe('search index lag', () => {
  it('records, for each message, how long after it was stored its index was written (SearchIndexLag)', async () => {
    const silenced = vi.spyOn(process.stdout, 'write').mockImplementation(() => true)
    try {
      await ensureDefaultRooms(['general', 'ecs'])
      flushMetrics()
      const indexer = new SearchIndexer({ flushMs: 30, takeoverMs: 60_000 })
      const writer = new MessageWriter(getDatabase, 2, { companions: (m, t) => indexer.companions(m, t), settled: (m, e) => indexer.settled(m, e) })
      const stored = Date.now()
      await Promise.all([message('general', 'lag one'), message('general', 'lag two'), message('ecs', 'lag three')].map(m => writer.write(m)))
      // Indexed after its 30 ms flush; a loaded machine's dynalite can take seconds to answer.
      await vi.waitFor(async () => expect(await search('lag ')).toHaveLength(3), { timeout: 10_000, interval: 50 })
      const findable = Date.now() - stored
      const record = flushMetrics()!
      expect(record.observed).toMatchObject({ SearchIndexLag: { count: 3 } })
      const lags = record.SearchIndexLag as number[]
      expect(lags).toHaveLength(3)
      // The message that started the flush's 30 ms wait waited all of it; one stored a little later (the
      // writer stores two at a time) waited less.
      expect(Math.max(...lags)).toBeGreaterThanOrEqual(30 - 1)
      for (const lag of lags) expect(lag).toBeLessThanOrEqual(findable)
      await indexer.stop()
    }
    finally {
      silenced.mockRestore()
    }
  })
})

describe('the indexer cannot lose work', () => {
  it('indexes, from another server, the messages a server stored and died before indexing', async () => {
    await ensureDefaultRooms(['general', 'ecs'])
    const doomed = doomedServer()
    const sent = [message('general', 'orphaned zeppelin one'), message('ecs', 'orphaned zeppelin two')]
    await Promise.all(sent.map(m => doomed.writer.write(m)))
    expect(await search('zeppelin ')).toEqual([])
    await recoverWithAnotherServer()
    expect(await search('zeppelin ')).toEqual(sent.map(m => m.id).sort().reverse())
    // Recovered heads are gone; nobody recovers them twice.
    expect((await listHeads()).map(h => h.log)).not.toContain(doomed.indexer.log)
  })

  it('writes what it recovered at once, though it gathers its own messages for minutes, so it can stop soon after', async () => {
    await ensureDefaultRooms(['general'])
    const doomed = doomedServer()
    const sent = message('general', 'orphaned numbat')
    await doomed.writer.write(sent)
    const rescuer = new SearchIndexer({ flushMs: 600_000, takeoverMs: TAKEOVER, now: () => Date.now() + TAKEOVER + 50 })
    await rescuer.recoverStale()
    const tiers = await Promise.all(TIERS.map(tier => queryPostingBlocks('numbat', tier, { limit: 10, start: undefined })))
    expect(tiers.flatMap(({ blocks }) => blocks.flatMap(b => b.postings.map(p => p.id)))).toEqual([sent.id])
    await rescuer.stop()
  }, 10_000)

  it('indexes a message stored long after its id was taken (a retried send), though its room saw nothing else', async () => {
    await ensureDefaultRooms(['lambda'])
    const doomed = doomedServer(TAKEOVER)
    const late = message('lambda', 'belated walrus', Date.now() - 10 * TAKEOVER)
    await doomed.writer.write(late)
    await recoverWithAnotherServer()
    expect(await search('walrus ')).toEqual([late.id])
  })

  it('indexes an edit that was stored before its server died', async () => {
    await ensureDefaultRooms(['fargate'])
    const live = new SearchIndexer({ flushMs: 10, takeoverMs: TAKEOVER })
    const writer = new MessageWriter(getDatabase, 2, { companions: (m, t) => live.companions(m, t), settled: (m, e) => live.settled(m, e) })
    const original = message('fargate', 'the platypus moved')
    await writer.write(original)
    await live.flush()
    const doomed = doomedServer()
    await doomed.indexer.beforeEdit(original.room, original.id)
    await updateMessageText(original.room, original.id, { text: 'the narwhal moved', editedAt: Date.now(), author: 'ann', cutoff: 0 })
    expect(await search('narwhal ')).toEqual([])
    await recoverWithAnotherServer()
    expect(await search('narwhal ')).toEqual([original.id])
    expect(await search('platypus ')).toEqual([])
    await live.stop()
  })

  it('indexes a message whose write was stored though its answer was lost (the sender was told it failed)', async () => {
    await ensureDefaultRooms(['general'])
    const db = await getDatabase()
    // The write reaches the database; its answer does not.
    const lossy: Database = { ...db, doc: { send: async (command: unknown) => {
      await db.doc.send(command as never)
      throw new Error('socket hang up')
    } } as unknown as Database['doc'] }
    const indexer = new SearchIndexer({ flushMs: 10, takeoverMs: 60_000 })
    const writer = new MessageWriter(async () => lossy, 2, { companions: (m, t) => indexer.companions(m, t), settled: (m, e) => indexer.settled(m, e) })
    const lost = message('general', 'unanswered ocelot')
    await expect(writer.write(lost)).rejects.toThrow('socket hang up')
    await indexer.flush()
    expect(await search('ocelot ')).toEqual([lost.id])
    await indexer.stop()
  })

  it('finds every message of a room two servers index at once, each once', async () => {
    await ensureDefaultRooms(['ecs'])
    const servers = [0, 1].map(() => {
      const indexer = new SearchIndexer({ flushMs: 5, takeoverMs: 60_000 })
      return { indexer, writer: new MessageWriter(getDatabase, 2, { companions: (m, t) => indexer.companions(m, t), settled: (m, e) => indexer.settled(m, e) }) }
    })
    const sent = Array.from({ length: 30 }, (_, i) => message('ecs', `shared quokka ${i}`))
    await Promise.all(sent.map((m, i) => servers[i % 2]!.writer.write(m)))
    await Promise.all(servers.map(s => s.indexer.flush()))
    expect(await search('quokka ')).toEqual(sent.map(m => m.id).sort().reverse())
    // A clean stop leaves nothing to recover.
    await Promise.all(servers.map(s => s.indexer.stop()))
    expect((await listHeads()).map(h => h.log)).not.toContain(servers[0]!.indexer.log)
  })
})

describe('the index and the database', () => {
  it('writes what it holds at once when it holds a full flush, without waiting out its delay', async () => {
    await ensureDefaultRooms(['general'])
    const indexer = new SearchIndexer({ flushMs: 600_000, takeoverMs: 60_000 })
    const writer = new MessageWriter(getDatabase, 2, { companions: (m, t) => indexer.companions(m, t), settled: (m, e) => indexer.settled(m, e) })
    const start = Date.now()
    const sent = Array.from({ length: MAX_OPS }, (_, i) => message('general', `backlog wren ${i}`, start + i))
    for (let i = 0; i < sent.length; i += 200) await Promise.all(sent.slice(i, i + 200).map(m => writer.write(m)))
    await vi.waitFor(async () => {
      const tiers = await Promise.all(TIERS.map(tier => queryPostingBlocks('wren', tier, { limit: 1000, start: undefined })))
      expect(tiers.flatMap(({ blocks }) => blocks.flatMap(b => b.postings)).length).toBe(MAX_OPS)
    }, { timeout: 30_000, interval: 200 })
    await indexer.stop()
  })

  it('writes a flush\'s blocks two BatchWriteItem calls at a time, leaving room for the writes senders wait for', async () => {
    await ensureDefaultRooms(['general'])
    const db = await getDatabase()
    let open = 0
    let most = 0
    let calls = 0
    const counting: Database = { ...db, doc: { send: async (command: { input: { RequestItems?: Record<string, { PutRequest?: { Item: Record<string, unknown> } }[]> } }) => {
      const blocks = Object.values(command.input.RequestItems ?? {}).flat().some(item => String(item.PutRequest?.Item.key ?? '').startsWith('t#'))
      if (!blocks) return db.doc.send(command as never)
      calls++
      most = Math.max(most, ++open)
      try {
        return await db.doc.send(command as never)
      }
      finally {
        open--
      }
    } } as unknown as Database['doc'] }
    const indexer = new SearchIndexer({ flushMs: 60_000, takeoverMs: 60_000 })
    const writer = new MessageWriter(getDatabase, 2, { companions: (m, t) => indexer.companions(m, t), settled: (m, e) => indexer.settled(m, e) })
    const sent = Array.from({ length: 40 }, (_, i) => message('general', `distinct${i} words${i} every${i} time${i}`))
    await Promise.all(sent.map(m => writer.write(m)))
    setDatabase(counting)
    try {
      await indexer.flush()
    }
    finally {
      setDatabase(db)
    }
    expect(calls).toBeGreaterThan(4)
    expect(most).toBe(2)
    expect(await search('distinct39 ')).toEqual([sent[39]!.id])
    await indexer.stop()
  })
})

describe('re-indexing stored messages (scripts/search-reindex.ts)', () => {
  it('indexes messages the index never saw, skips deleted ones, and deletes the first layout\'s entries', async () => {
    await ensureDefaultRooms(['general'])
    const unindexed = new MessageWriter(getDatabase)
    const kept = message('general', 'legacy armadillo')
    const gone = message('general', 'legacy armadillo deleted')
    await Promise.all([unindexed.write(kept), unindexed.write(gone)])
    await markMessageDeleted(gone.room, gone.id, null)
    const { doc, tables } = await getDatabase()
    await batchWrite(doc, [{ table: tables.search, put: { key: 't#armadillo#2', entry: `${kept.id}#general`, room: 'general', words: ' legacy armadillo ', tags: '|@ann|' } }])
    expect(await search('armadillo ')).toEqual([])
    expect(await reindexAll({ deleteOld: true })).toMatchObject({ deleted: 1 })
    expect(await search('armadillo ')).toEqual([kept.id])
    expect((await queryPostingBlocks('armadillo', 0, { limit: 10, start: undefined })).blocks.flatMap(b => b.postings.map(p => p.id))).toEqual([kept.id])
  })
})

describe('what the index costs', () => {
  it('counts write units by DynamoDB\'s item size rules', () => {
    // Names and values; a number is a byte per two significant digits plus one; a map or list 3 bytes plus 1 per element.
    expect(itemSize({ key: 'abc' })).toBe(6)
    expect(itemSize({ n: 12345 })).toBe(1 + 4)
    expect(itemSize({ p: { ab: 'xy' } })).toBe(1 + 3 + 1 + 2 + 2)
    expect(itemSize({ r: ['a', 'bb'] })).toBe(1 + 3 + 2 + 3)
    expect(writeUnits({ text: 'x'.repeat(1020) })).toBe(1)
    expect(writeUnits({ text: 'x'.repeat(1021) })).toBe(2)
  })

  it('writes one block of at most one write unit for a word many messages of a flush share', () => {
    const postingsOf = (count: number) => Array.from({ length: count }, (_, i) => {
      const m = message(i % 2 ? 'general' : 'ecs', `deploy now ${i}`)
      return { id: m.id, room: m.room, signature: signatureOf(indexedTerms(m)) }
    }).sort((a, b) => (a.id < b.id ? -1 : 1))
    const blocks = postingBlockItems('deploy', postingsOf(15), 'abcdef01a')
    expect(blocks).toHaveLength(1)
    expect(writeUnits(blocks[0]!)).toBe(1)
    // Past one unit the postings go on in another block, each within the unit.
    const many = postingBlockItems('deploy', postingsOf(60), 'abcdef01a')
    expect(many.length).toBeGreaterThan(2)
    for (const block of many) expect(writeUnits(block)).toBe(1)
    expect(many.flatMap(block => Object.keys(block.p))).toHaveLength(60)
  })

  it('lets a quiet word\'s postings of a minutes-long flush share one block, kept in the tier its span fits', () => {
    const spaced = (count: number, gapMs: number) => Array.from({ length: count }, (_, i) => {
      const m = message('general', `deploy now ${i}`, Date.UTC(2026, 11, 6) + i * gapMs)
      return { id: m.id, room: m.room, signature: signatureOf(indexedTerms(m)) }
    })
    expect(postingBlockItems('deploy', spaced(10, 100), 'abcdef01a').map(b => b.key)).toEqual(['t#deploy'])
    expect(postingBlockItems('deploy', spaced(10, 3000), 'abcdef01a').map(b => b.key)).toEqual(['t1#deploy'])
    // Five minutes of a quiet room: one block, one write unit, where 2-second blocks took fifteen.
    const quiet = postingBlockItems('deploy', spaced(15, 20_000), 'abcdef01a')
    expect(quiet.map(b => b.key)).toEqual(['t2#deploy'])
    expect(writeUnits(quiet[0]!)).toBe(1)
    // Longer than the longest span (ten minutes): split, a lone posting in the first tier.
    expect(postingBlockItems('deploy', spaced(3, 400_000), 'abcdef01a').map(b => b.key)).toEqual(['t2#deploy', 't#deploy'])
  })

  it('grows a message\'s index linearly with its number of terms, not with its square', () => {
    const indexBytes = (terms: number) => {
      const m = message('general', Array.from({ length: terms }, (_, i) => `word${String(i).padStart(3, '0')}`).join(' '))
      const posting = { id: m.id, room: m.room, signature: signatureOf(indexedTerms(m)) }
      return indexedTerms(m).words.flatMap(term => postingBlockItems(term, [posting], 'abcdef01a')).reduce((sum, block) => sum + itemSize(block), 0)
    }
    expect(indexBytes(32) / indexBytes(8)).toBeCloseTo(4, 1)
  })

  it('reads blocks back newest first, with their postings', async () => {
    const first = message('general', 'ordered blocks')
    const second = message('general', 'ordered blocks', Date.now() + 5000)
    const indexer = new SearchIndexer({ flushMs: 1, takeoverMs: 60_000 })
    const writer = new MessageWriter(getDatabase, 2, { companions: (m, t) => indexer.companions(m, t), settled: (m, e) => indexer.settled(m, e) })
    await writer.write(first)
    await indexer.flush()
    await writer.write(second)
    await indexer.flush()
    const { blocks } = await queryPostingBlocks('ordered', 0, { limit: 10, start: undefined })
    expect(blocks.map(b => b.newest)).toEqual([second.id, first.id])
    expect(blocks[0]!.postings).toEqual([{ id: second.id, room: 'general', signature: signatureOf(indexedTerms(second)) }])
    await indexer.stop()
  })
})
