import { describe, expect, it } from 'vitest'
import type { ChatMessage } from '#shared/types/chat'

const BASE = Date.UTC(2026, 2, 10, 23, 50) // 23:50 UTC on 10 March 2026
function stored(id: number, username: string, minutes: number): ChatMessage {
  const time = BASE + minutes * 60_000
  return { id: `${time}:${String(id).padStart(16, '0')}`, room: 'r', username, avatar: `/a/${username}.svg`, time, content: { text: `m${id}` } }
}
const me = { username: 'ann', avatar: '/a/ann.svg' }

describe('buildRows', () => {
  it('groups consecutive messages of one person and starts a new group after a five-minute gap', () => {
    const rows = buildRows({ stored: [stored(1, 'bob', 0), stored(2, 'bob', 1), stored(3, 'bob', 7), stored(4, 'ann', 8)], pending: [], me, timeZone: 'UTC', now: BASE })
    expect(rows.map(r => r.kind === 'message' ? `${r.username}:${r.line.text}:${r.first ? 'first' : 'cont'}:${r.mine ? 'mine' : ''}` : r.key)).toEqual([
      'day-2026-03-10', 'bob:m1:first:', 'bob:m2:cont:', 'bob:m3:first:', 'ann:m4:first:mine',
    ])
  })

  it('puts day separators where the reader\'s day changes, not the server\'s', () => {
    const messages = [stored(1, 'bob', 0), stored(2, 'bob', 20)]
    const utc = buildRows({ stored: messages, pending: [], me, timeZone: 'UTC', now: BASE })
    const newYork = buildRows({ stored: messages, pending: [], me, timeZone: 'America/New_York', now: BASE })
    expect(utc.filter(r => r.kind === 'day').map(r => r.key)).toEqual(['day-2026-03-10', 'day-2026-03-11'])
    expect(newYork.filter(r => r.kind === 'day').map(r => r.key)).toEqual(['day-2026-03-10'])
  })

  it('labels today and yesterday, and leaves older days to the date formatter', () => {
    const rows = buildRows({ stored: [stored(1, 'bob', 0), stored(2, 'bob', 20)], pending: [], me, timeZone: 'UTC', now: BASE + 20 * 60_000 })
    expect(rows.filter(r => r.kind === 'day').map(r => r.kind === 'day' && r.relative)).toEqual(['Yesterday', 'Today'])
    const later = buildRows({ stored: [stored(1, 'bob', 0)], pending: [], me, timeZone: 'UTC', now: BASE + 3 * 86_400_000 })
    expect(later[0]).toMatchObject({ kind: 'day', day: '2026-03-10', relative: null })
  })

  it('appends the reader\'s unsent messages as theirs, with their status', () => {
    const rows = buildRows({
      stored: [stored(1, 'ann', 0)],
      pending: [{ id: 'local-1', text: 'wait', time: BASE + 60_000, status: 'failed', error: 'Slow down' }],
      me,
      timeZone: 'UTC',
      now: BASE,
    })
    expect(rows.at(-1)).toEqual({ kind: 'message', key: 'local-1', username: 'ann', avatar: '/a/ann.svg', mine: true, first: false, line: { id: 'local-1', text: 'wait', time: BASE + 60_000, status: 'failed', error: 'Slow down' } })
  })
})

describe('useMessageRows', () => {
  it('rebuilds the rows when the messages change', async () => {
    const list = ref<ChatMessage[]>([stored(1, 'bob', 0)])
    const rows = useMessageRows(() => ({ stored: list.value, pending: [], me, timeZone: 'UTC', now: BASE }))
    expect(rows.value).toHaveLength(2)
    list.value = [...list.value, stored(2, 'bob', 1)]
    await nextTick()
    expect(rows.value.map(r => r.key)).toEqual(['day-2026-03-10', list.value[0]!.id, list.value[1]!.id])
  })
})
