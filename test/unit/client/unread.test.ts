import { describe, expect, it } from 'vitest'
import { message } from './fake-chat-socket'

const [read, mine, first, deleted, second, later] = [
  message('r', 'bob', 'read'), message('r', 'ann', 'mine, after the marker'), message('r', 'bob', 'first unread'),
  { ...message('r', 'bob', ''), deleted: true as const }, message('r', 'cat', 'second unread'), message('r', 'bob', 'came while open'),
]
const held = [read, mine, first, deleted, second, later]
const span = { after: read.id, until: second.id }

describe('firstUnread', () => {
  it('puts the divider above the first message from someone else after the marker, counting neither the reader\'s own, deleted ones, nor what came after the room was opened', () => {
    expect(firstUnread(held, span, 'ann', true)).toEqual({ id: first.id, count: 2 })
  })

  it('does not know where the first unread is while older pages may still hold some, and knows once nothing older is left', () => {
    const window = [first, deleted, second]
    expect(firstUnread(window, span, 'ann', true)).toEqual({ id: null, count: 2 })
    expect(firstUnread(window, span, 'ann', false)).toEqual({ id: first.id, count: 2 })
  })

  it('shows no divider without a marker, or when nothing from others came after it', () => {
    expect(firstUnread(held, undefined, 'ann', false)).toBeNull()
    expect(firstUnread([read, mine], { after: read.id, until: mine.id }, 'ann', false)).toBeNull()
  })
})
