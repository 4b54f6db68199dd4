import { describe, expect, it, vi } from 'vitest'
import { registerEndpoint } from '@nuxt/test-utils/runtime'
import { getQuery } from 'h3'
import type { SearchHit } from '#shared/types/search'

const asked: string[] = []

function hit(id: string, text: string): SearchHit {
  return { id, room: 'general', username: 'ann', avatar: '', time: 1, content: { text }, highlights: [], snippet: text }
}

registerEndpoint('/api/search', {
  method: 'GET',
  handler: (event) => {
    const { q, before } = getQuery(event) as { q: string, before?: string }
    asked.push(before ? `${q} before ${before}` : q)
    if (before) return { messages: [hit('0000000000002:aa', 'two'), hit('0000000000001:aa', 'one')], next: null }
    return { messages: [hit('0000000000003:aa', 'three'), hit('0000000000002:aa', 'two')], next: '0000000000002:aa' }
  },
})

describe('the search box\'s state', () => {
  it('searches once for what was typed in quick succession, then pages on without repeating hits', async () => {
    const search = useMessageSearch()
    search.text.value = 'f'
    search.text.value = 'fa'
    search.text.value = 'farg'
    await vi.waitFor(() => expect(search.searched.value).toBe('farg'))
    expect(asked).toEqual(['farg'])
    expect(search.hits.value.map(h => h.content.text)).toEqual(['three', 'two'])
    await search.more()
    expect(asked).toEqual(['farg', 'farg before 0000000000002:aa'])
    expect(search.hits.value.map(h => h.content.text)).toEqual(['three', 'two', 'one'])
    expect(search.next.value).toBeNull()
  })

  it('clears the hits when the text is emptied, and links a hit to its message in its room', async () => {
    const search = useMessageSearch()
    search.text.value = 'farg'
    await vi.waitFor(() => expect(search.hits.value).toHaveLength(2))
    search.clear()
    expect(search.hits.value).toEqual([])
    expect(hitLink({ room: 'ecs', id: '0000000000002:aa' })).toBe('/rooms/ecs?m=0000000000002%3Aaa')
  })
})
