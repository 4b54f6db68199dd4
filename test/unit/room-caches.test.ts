import { describe, expect, it, vi } from 'vitest'
import type { ChatMessage, DirectoryPage } from '#shared/types/chat'
import { LatestMessages } from '../../server/domain/messages/latest-messages.ts'
import { DirectoryCache } from '../../server/domain/rooms/directory.ts'
import { UnreadCounts } from '../../server/domain/rooms/unread-counts.ts'

const message = (room: string, ms: number, text = `at ${ms}`): ChatMessage => ({
  id: `${String(ms).padStart(13, '0')}:${'0'.repeat(16)}`, room, username: 'ann', avatar: '/a.svg', time: ms, content: { text },
})

/** A read that answers only when told to, so a test can act while it is in flight. */
function heldRead<T>() {
  const calls: { key: unknown, resolve: (value: T) => void }[] = []
  const read = vi.fn((key: unknown) => new Promise<T>(resolve => calls.push({ key, resolve })))
  return { read, calls }
}

describe('the latest-message cache', () => {
  it('reads each room once however many listings ask at the same time', async () => {
    const { read, calls } = heldRead<ChatMessage | null>()
    const latest = new LatestMessages({ read })
    const listings = Array.from({ length: 50 }, () => latest.get(['general', 'ecs']))
    expect(read).toHaveBeenCalledTimes(2)
    calls[0]!.resolve(message('general', 1000, 'hello'))
    calls[1]!.resolve(null)
    const results = await Promise.all(listings)
    expect(results.every(r => r.general?.text === 'hello' && r.general.username === 'ann' && r.ecs === null)).toBe(true)
    await latest.get(['general', 'ecs'])
    expect(read).toHaveBeenCalledTimes(2)
  })

  it('keeps a message this instance wrote, and never lets an older read replace it', async () => {
    const { read, calls } = heldRead<ChatMessage | null>()
    const latest = new LatestMessages({ read })
    const listing = latest.get(['general'])
    latest.note(message('general', 2000, 'just sent'))
    calls[0]!.resolve(message('general', 1000, 'older'))
    expect((await listing).general?.text).toBe('just sent')
    latest.note(message('general', 3000, 'newer still'))
    expect((await latest.get(['general'])).general).toEqual({ id: message('general', 3000).id, time: 3000, username: 'ann', text: 'newer still' })
    expect(read).toHaveBeenCalledTimes(1)
  })

  it('reads a room again once its entry expired (messages written on other instances)', async () => {
    vi.useFakeTimers()
    try {
      const read = vi.fn(async (room: string) => message(room, Date.now()))
      const latest = new LatestMessages({ read, ttlMs: 10_000, clock: Date })
      await latest.get(['general'])
      vi.advanceTimersByTime(9_000)
      await latest.get(['general'])
      expect(read).toHaveBeenCalledTimes(1)
      vi.advanceTimersByTime(2_000)
      await latest.get(['general'])
      expect(read).toHaveBeenCalledTimes(2)
    }
    finally {
      vi.useRealTimers()
    }
  })

  it('holds at most `max` rooms', async () => {
    const read = vi.fn(async (room: string) => message(room, 1000))
    const latest = new LatestMessages({ read, max: 3 })
    await latest.get(['a', 'b', 'c', 'd'])
    await latest.get(['d'])
    expect(read).toHaveBeenCalledTimes(4)
    await latest.get(['a'])
    expect(read).toHaveBeenCalledTimes(5)
  })
})

describe('the room directory cache', () => {
  const page = (...ids: string[]): DirectoryPage => ({ rooms: ids.map(id => ({ id, name: id, topic: '', image: `/api/avatars/${id}.svg` })), next: null })

  it('queries a page once for concurrent listings and serves it from memory after', async () => {
    const { read, calls } = heldRead<DirectoryPage>()
    const directory = new DirectoryCache(read)
    const listings = Array.from({ length: 50 }, () => directory.page({ limit: 100 }))
    expect(read).toHaveBeenCalledTimes(1)
    calls[0]!.resolve(page('alpha', 'beta'))
    for (const listing of await Promise.all(listings)) expect(listing.rooms.map(r => r.id)).toEqual(['alpha', 'beta'])
    await directory.page({ limit: 100 })
    expect(read).toHaveBeenCalledTimes(1)
  })

  it('forgets its pages when a room is created, including a page being read at that moment', async () => {
    const { read, calls } = heldRead<DirectoryPage>()
    const directory = new DirectoryCache(read)
    const stale = directory.page({ limit: 100 })
    directory.invalidate()
    calls[0]!.resolve(page('alpha'))
    expect((await stale).rooms).toHaveLength(1)
    const fresh = directory.page({ limit: 100 })
    expect(read).toHaveBeenCalledTimes(2)
    calls[1]!.resolve(page('alpha', 'new-room'))
    expect((await fresh).rooms.map(r => r.id)).toEqual(['alpha', 'new-room'])
  })

  it('expires pages as a safety net for a missed invalidation', async () => {
    vi.useFakeTimers()
    try {
      const read = vi.fn(async () => page('alpha'))
      const directory = new DirectoryCache(read, { ttlMs: 30_000, clock: Date })
      await directory.page({ limit: 10 })
      vi.advanceTimersByTime(31_000)
      await directory.page({ limit: 10 })
      expect(read).toHaveBeenCalledTimes(2)
    }
    finally {
      vi.useRealTimers()
    }
  })
})

describe('the unread-count cache', () => {
  const marker = `${'1'.repeat(13)}:${'0'.repeat(16)}`
  const newest = (ms: number) => ({ id: `${String(ms).padStart(13, '0')}:${'f'.repeat(16)}` })

  it('counts a room once for the same marker and newest message, and none that is not behind', async () => {
    const count = vi.fn(async (room: string) => (room === 'general' ? 3 : 1))
    const counts = new UnreadCounts(count)
    const markers = { general: marker, ecs: marker, lambda: `${'9'.repeat(13)}:${'0'.repeat(16)}` }
    const latest = { general: newest(2_000_000_000_000), ecs: newest(2_000_000_000_000), lambda: newest(2_000_000_000_000), fargate: null }
    const first = await Promise.all([counts.get(markers, latest), counts.get(markers, latest)])
    expect(first).toEqual([{ general: 3, ecs: 1 }, { general: 3, ecs: 1 }])
    expect(await counts.get(markers, latest)).toEqual({ general: 3, ecs: 1 })
    expect(count.mock.calls.map(([room]) => room).sort()).toEqual(['ecs', 'general'])
  })

  it('counts again when the room moves on, the reader reads, or a message there is deleted', async () => {
    let unread = 3
    const count = vi.fn(async () => unread)
    const counts = new UnreadCounts(count)
    expect(await counts.get({ general: marker }, { general: newest(2_000_000_000_000) })).toEqual({ general: 3 })
    unread = 4
    expect(await counts.get({ general: marker }, { general: newest(2_000_000_000_001) })).toEqual({ general: 4 })
    unread = 2
    expect(await counts.get({ general: `${'1'.repeat(13)}:${'1'.repeat(16)}` }, { general: newest(2_000_000_000_001) })).toEqual({ general: 2 })
    unread = 1
    counts.forgetRoom('general')
    expect(await counts.get({ general: `${'1'.repeat(13)}:${'1'.repeat(16)}` }, { general: newest(2_000_000_000_001) })).toEqual({ general: 1 })
    expect(count).toHaveBeenCalledTimes(4)
  })
})
