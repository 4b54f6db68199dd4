import { describe, expect, it } from 'vitest'
import { hasLink, highlightParts, MAX_TERMS_PER_MESSAGE, messageTerms, snippetOf } from '../../shared/utils/search-terms.ts'
import { parseSearchQuery } from '../../shared/utils/search-query.ts'

describe('the search tokeniser', () => {
  it('folds case and accents, so "Élan" and "elan" are one term', () => {
    expect(messageTerms('Élan CAFÉ naïve Straße')).toEqual(['elan', 'cafe', 'naive', 'straße'])
  })

  it('leaves out stop words and punctuation, and keeps each term once', () => {
    expect(messageTerms('The deploy is done, and the DEPLOY worked!')).toEqual(['deploy', 'done', 'worked'])
  })

  it('indexes CJK runs as character pairs, since they come back as one segment', () => {
    expect(messageTerms('東京タワー')).toEqual(['東京', '京タ', 'タワ', 'ワー'])
  })

  it('skips emoji, which are not words', () => {
    expect(messageTerms('ship it 🚀🎉 now')).toEqual(['ship', 'now'])
  })

  it('keeps at most a bounded number of terms per message', () => {
    const text = Array.from({ length: 100 }, (_, i) => `word${i}`).join(' ')
    const terms = messageTerms(text)
    expect(terms).toHaveLength(MAX_TERMS_PER_MESSAGE)
    expect(terms[0]).toBe('word0')
  })

  it('recognises links for has:link', () => {
    expect(hasLink('see https://example.com/x')).toBe(true)
    expect(hasLink('see www.example.com')).toBe(true)
    expect(hasLink('no link here, just http talk')).toBe(false)
  })

  it('cuts a snippet around the first match and marks the matched words', () => {
    const text = `${'filler '.repeat(60)}the Fargate task restarted ${'tail '.repeat(40)}`
    const snippet = snippetOf(text, ['fargate'])
    expect(snippet.length).toBeLessThanOrEqual(162)
    expect(snippet).toMatch(/^….*Fargate task restarted.*…$/)
    expect(highlightParts('Deploy to Fargate, then <b>test</b>', ['fargate'])).toEqual([
      { text: 'Deploy to ', mark: false },
      { text: 'Fargate', mark: true },
      { text: ', then <b>test</b>', mark: false },
    ])
  })
})

describe('the search query parser', () => {
  it('reads words, the last one as a prefix, and every filter', () => {
    expect(parseSearchQuery('Deploy the farg from:@Alice in:#ecs has:file has:link after:2026-10-01 before:2026-11-01 tas')).toEqual({
      terms: ['deploy', 'farg'],
      prefix: 'tas',
      from: 'alice',
      in: 'ecs',
      has: ['file', 'link'],
      after: Date.UTC(2026, 9, 2),
      before: Date.UTC(2026, 10, 1),
    })
  })

  it('matches the last word whole once a space follows it', () => {
    expect(parseSearchQuery('fargate ')).toMatchObject({ terms: ['fargate'], prefix: null })
    expect(parseSearchQuery('fargate')).toMatchObject({ terms: [], prefix: 'fargate' })
  })

  it('names what is wrong with a filter', () => {
    expect(() => parseSearchQuery('x before:2026-02-30')).toThrow('before: needs a date like 2026-11-01')
    const filters = 'Filters are from:@name, in:#room, has:file, has:link, before:2026-11-01 and after:2026-10-01.'
    expect(() => parseSearchQuery('x has:image')).toThrow(`"has:image" is not a filter: has: takes file or link. ${filters}`)
    expect(() => parseSearchQuery('x is:pinned')).toThrow(`"is:pinned" is not a filter. ${filters}`)
    // A colon inside a word or a link is no filter.
    expect(parseSearchQuery('meet 10:30 https://example.com ')).toMatchObject({ terms: expect.arrayContaining(['meet']) })
    expect(() => parseSearchQuery('x from:@a')).toThrow('from: needs a username')
    expect(() => parseSearchQuery('x in:#Bad_Room!')).toThrow('in: needs a room')
    expect(() => parseSearchQuery('x after:2026-11-01 before:2026-11-01')).toThrow('after: must be earlier than before:')
    expect(() => parseSearchQuery('a b c d e f g h i')).toThrow('at most 8 words')
  })
})
