import { randomBytes } from 'node:crypto'
import { describe, expect, it, vi } from 'vitest'
import type { ChatMessage, PublicUser } from '#shared/types/chat'
import { parseSearchQuery } from '../../shared/utils/search-query.ts'
import { saveMessage } from '../../server/domain/messages/messages.ts'
import { ensureDefaultRooms } from '../../server/domain/rooms/rooms.ts'
import { afterDelete, afterEdit, beforeEdit, flushSearchIndex } from '../../server/domain/search/indexing.ts'
import { searchMessages } from '../../server/domain/search/search.ts'
import { markMessageDeleted, updateMessageText } from '../../server/storage/messages-table.ts'
import { queryPostingBlocks, TIERS } from '../../server/storage/search-table.ts'
import { useEmbeddedDatabase } from '../support/embedded-db.ts'

// Private rooms arrive with the people feature; until then, a room is made unreadable here the
// way that feature will: through access.ts's readableRooms, which search must go through.
const hidden = new Set<string>()
vi.mock('../../server/domain/rooms/access.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../server/domain/rooms/access.ts')>()
  return { ...original, readableRooms: async (user: PublicUser, ids: string[]) => (await original.readableRooms(user, ids)).filter(room => !hidden.has(room.id)) }
})

// Nitro's hook bus exists only in a built server; with no Redis, search asks no other instance anyway.
vi.mock('../../server/domain/events.ts', () => ({ announce: async () => {} }))

useEmbeddedDatabase()

const reader: PublicUser = { username: 'reader', avatar: '/a.svg', guest: false }
let clock = Date.UTC(2026, 9, 1, 12)

/** A message at a chosen time (ids sort by time), stored the way sends store it. */
async function say(room: string, username: string, text: string, options: { at?: number, extra?: Partial<ChatMessage> } = {}): Promise<ChatMessage> {
  const time = options.at ?? (clock += 1000)
  const message: ChatMessage = { id: `${String(time).padStart(13, '0')}:${randomBytes(8).toString('hex')}`, room, username, avatar: '/a.svg', time, content: { text }, ...options.extra }
  return saveMessage(message)
}

/** Searches once everything stored so far is indexed (sends are indexed after they are confirmed). */
async function search(text: string, page: { limit?: number, before?: string } = {}) {
  await flushSearchIndex()
  return searchMessages(reader, parseSearchQuery(text), { limit: page.limit ?? 20, before: page.before })
}

/** Searches without waiting for the index: what the indexer still holds is read from its memory. */
async function searchNow(text: string) {
  return searchMessages(reader, parseSearchQuery(text), { limit: 20 })
}

/** The ids of the messages holding a posting under `term`, in any tier. */
async function postedUnder(term: string): Promise<string[]> {
  const tiers = await Promise.all(TIERS.map(tier => queryPostingBlocks(term, tier, { limit: 100, start: undefined })))
  return tiers.flatMap(({ blocks }) => blocks.flatMap(block => block.postings.map(p => p.id)))
}

const texts = (hits: { content: { text: string } }[]) => hits.map(h => h.content.text)

describe('search', () => {
  it('finds a word in every room, newest first, with the matched words and a snippet', async () => {
    await ensureDefaultRooms(['general', 'ecs', 'secret', 'paging'])
    await say('general', 'alice', 'The Fargate task is up')
    await say('ecs', 'bob', 'fargate spot is cheaper')
    await say('general', 'bob', 'lambda cold starts')
    const { messages, next } = await search('FARGATE ')
    expect(texts(messages)).toEqual(['fargate spot is cheaper', 'The Fargate task is up'])
    expect(messages.map(m => m.room)).toEqual(['ecs', 'general'])
    expect(messages[0]).toMatchObject({ username: 'bob', highlights: ['fargate'], snippet: 'fargate spot is cheaper' })
    expect(next).toBeNull()
  })

  it('matches the last word as a prefix, so results come while typing', async () => {
    await say('general', 'carol', 'Deploying the container now')
    await say('general', 'carol', 'the deployment failed')
    const { messages } = await search('deplo')
    expect(texts(messages)).toEqual(['the deployment failed', 'Deploying the container now'])
    expect(messages.map(m => m.highlights)).toEqual([['deployment'], ['deploying']])
    expect(texts((await search('container deplo')).messages)).toEqual(['Deploying the container now'])
  })

  it('finds only messages with every word', async () => {
    await say('general', 'dave', 'spot instances are cheap')
    await say('general', 'dave', 'spot the difference')
    expect(texts((await search('cheap spot ')).messages)).toEqual(['spot instances are cheap'])
  })

  it('filters by author, room, link, file and date', async () => {
    await say('general', 'erin', 'budget review https://example.com/budget', { at: Date.UTC(2026, 9, 20, 9) })
    await say('ecs', 'frank', 'budget for clusters', { at: Date.UTC(2026, 9, 21, 9) })
    await say('general', 'frank', 'budget sheet attached', { at: Date.UTC(2026, 9, 22, 9), extra: { attachments: [{ id: 'f1', name: 'budget.xlsx', type: 'application/vnd.ms-excel', size: 10 }] } as Partial<ChatMessage> })
    expect(texts((await search('budget from:@frank')).messages)).toEqual(['budget sheet attached', 'budget for clusters'])
    expect(texts((await search('from:@frank')).messages)).toEqual(['budget sheet attached', 'budget for clusters'])
    expect(texts((await search('budget in:#ecs')).messages)).toEqual(['budget for clusters'])
    expect(texts((await search('budget has:link')).messages)).toEqual(['budget review https://example.com/budget'])
    expect(texts((await search('has:file')).messages)).toEqual(['budget sheet attached'])
    expect(texts((await search('budget before:2026-10-21')).messages)).toEqual(['budget review https://example.com/budget'])
    expect(texts((await search('budget after:2026-10-21')).messages)).toEqual(['budget sheet attached'])
    expect(texts((await search('budget after:2026-10-20 before:2026-10-22')).messages)).toEqual(['budget for clusters'])
  })

  it('pages back newest first without gaps or repeats', async () => {
    const sent: string[] = []
    for (let i = 0; i < 27; i++) sent.push((await say('paging', 'gina', `pagination item ${i}`)).content.text)
    const seen: string[] = []
    let before: string | undefined
    let pages = 0
    do {
      const page = await search('pagination ', { limit: 10, before })
      seen.push(...texts(page.messages))
      before = page.next ?? undefined
      pages++
    } while (before && pages < 10)
    expect(seen).toEqual(sent.reverse())
  })

  it('pages back in order through blocks of every tier, however their times interleave', async () => {
    const base = clock += 3_600_000
    // Written in three flushes: dense (blocks of a tenth of a second), every 2.5 s, every 40 s around both.
    const flushes = [
      Array.from({ length: 12 }, (_, i) => base + 100_000 + i * 100),
      Array.from({ length: 12 }, (_, i) => base + 200_000 + i * 2500),
      Array.from({ length: 12 }, (_, i) => base + i * 40_000),
    ]
    const sent: string[] = []
    for (const times of flushes) {
      for (const at of times) sent.push((await say('paging', 'gina', `tiered item ${at - base}`, { at })).id)
      await flushSearchIndex()
    }
    const tiers = await Promise.all(TIERS.map(tier => queryPostingBlocks('tiered', tier, { limit: 100, start: undefined })))
    expect(tiers.map(({ blocks }) => blocks.length > 0)).toEqual([true, true, true])
    const seen: string[] = []
    let before: string | undefined
    let pages = 0
    do {
      const page = await search('tiered ', { limit: 5, before })
      seen.push(...page.messages.map(m => m.id))
      before = page.next ?? undefined
      pages++
    } while (before && pages < 20)
    expect(seen).toEqual(sent.sort().reverse())
  })

  it('never returns hits from rooms the user cannot read, and still fills the page', async () => {
    await say('general', 'hank', 'quarterly numbers are out')
    for (let i = 0; i < 40; i++) await say('secret', 'ivan', `quarterly secret ${i}`)
    hidden.add('secret')
    try {
      const { messages } = await search('quarterly ', { limit: 1 })
      expect(texts(messages)).toEqual(['quarterly numbers are out'])
      expect((await search('quarterly in:#secret')).messages).toEqual([])
      expect((await search('from:@ivan')).messages).toEqual([])
    }
    finally {
      hidden.delete('secret')
    }
    expect((await search('quarterly ', { limit: 1 })).messages[0]?.room).toBe('secret')
  })

  it('follows an edit and forgets a deleted message, in the index as well as in the results', async () => {
    const original = await say('general', 'judy', 'meeting on tuesday')
    expect((await search('tuesday ')).messages.map(m => m.id)).toEqual([original.id])
    const edited = { ...original, content: { text: 'meeting on wednesday' }, editedAt: Date.now() }
    const ticket = await beforeEdit(original.room, original.id)
    await updateMessageText(original.room, original.id, { text: edited.content.text, editedAt: edited.editedAt, author: 'judy', cutoff: 0 })
    afterEdit(ticket, original, edited)
    expect(await search('tuesday ')).toMatchObject({ messages: [] })
    expect((await search('wednesday ')).messages.map(m => m.id)).toEqual([original.id])
    expect((await search('meeting wednesday ')).messages.map(m => m.id)).toEqual([original.id])
    expect(await postedUnder('tuesday')).not.toContain(original.id)
    await markMessageDeleted(original.room, original.id, null)
    afterDelete(edited)
    expect((await search('meeting ')).messages).toEqual([])
    expect(await postedUnder('wednesday')).not.toContain(original.id)
  })

  it('never shows an edited-away word, even while the index still holds it', async () => {
    const original = await say('general', 'kim', 'the launch code is swordfish')
    expect((await search('swordfish ')).messages.map(m => m.id)).toEqual([original.id])
    // The edit is stored but not yet indexed (its postings still say swordfish).
    await updateMessageText(original.room, original.id, { text: 'the launch code is secret', editedAt: Date.now(), author: 'kim', cutoff: 0 })
    expect(await postedUnder('swordfish')).toContain(original.id)
    expect((await search('swordfish ')).messages).toEqual([])
    expect((await search('launch swordfish ')).messages).toEqual([])
  })

  describe('before the index is written (it is written minutes later, many messages at once)', () => {
    it('finds a message as soon as it is stored, by its words, its prefix, author, room and links', async () => {
      const message = await say('ecs', 'lena', 'the albatross migration is done https://example.com/runbook')
      expect(await postedUnder('albatross')).toEqual([])
      expect((await searchNow('albatross ')).messages.map(m => m.id)).toEqual([message.id])
      expect((await searchNow('migration alba')).messages.map(m => m.id)).toEqual([message.id])
      expect((await searchNow('albatross from:@lena in:#ecs has:link')).messages.map(m => m.id)).toEqual([message.id])
      expect((await searchNow('albatross from:@bob')).messages).toEqual([])
      expect((await searchNow('albatross in:#general')).messages).toEqual([])
      expect((await searchNow('albatross has:file')).messages).toEqual([])
    })

    it('finds it once, newest first among the messages the index already holds', async () => {
      const older = await say('general', 'lena', 'heron sighting one')
      await flushSearchIndex()
      const newer = await say('general', 'lena', 'heron sighting two')
      expect((await searchNow('heron ')).messages.map(m => m.id)).toEqual([newer.id, older.id])
      await flushSearchIndex()
      expect((await searchNow('heron ')).messages.map(m => m.id)).toEqual([newer.id, older.id])
    })

    it('follows an edit and forgets a deletion made while the message waits', async () => {
      const original = await say('general', 'lena', 'the password is kestrel')
      const edited = { ...original, content: { text: 'the password is osprey' }, editedAt: Date.now() }
      const ticket = await beforeEdit(original.room, original.id)
      await updateMessageText(original.room, original.id, { text: edited.content.text, editedAt: edited.editedAt, author: 'lena', cutoff: 0 })
      afterEdit(ticket, original, edited)
      expect((await searchNow('kestrel ')).messages).toEqual([])
      expect((await searchNow('password osprey ')).messages.map(m => m.id)).toEqual([original.id])
      await markMessageDeleted(original.room, original.id, null)
      afterDelete(edited)
      expect((await searchNow('osprey ')).messages).toEqual([])
      await flushSearchIndex()
      expect(await postedUnder('osprey')).toEqual([])
    })

    it('pages past the few hundred newest waiting matches of a server without skipping one, though none of them is readable', async () => {
      const indexed = await say('general', 'lena', 'zebra crossing, indexed')
      await flushSearchIndex()
      const waiting = await say('general', 'lena', 'zebra crossing, waiting')
      for (let i = 0; i < 301; i++) await say('secret', 'ivan', `zebra secret ${i}`)
      hidden.add('secret')
      try {
        const seen: string[] = []
        let before: string | undefined
        let pages = 0
        do {
          const page = await searchMessages(reader, parseSearchQuery('zebra '), { limit: 20, before })
          seen.push(...page.messages.map(m => m.id))
          before = page.next ?? undefined
          pages++
        } while (before && pages < 10)
        expect(seen).toEqual([waiting.id, indexed.id])
      }
      finally {
        hidden.delete('secret')
      }
      await flushSearchIndex()
    })

    it('never finds a waiting message in a room the reader cannot read', async () => {
      await say('secret', 'ivan', 'the merger with pelicorp')
      hidden.add('secret')
      try {
        expect((await searchNow('pelicorp ')).messages).toEqual([])
        expect((await searchNow('pelicorp in:#secret')).messages).toEqual([])
      }
      finally {
        hidden.delete('secret')
      }
    })
  })
})
