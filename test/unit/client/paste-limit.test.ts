import { describe, expect, it } from 'vitest'

describe('fitPaste', () => {
  it('inserts a paste that fits whole', () => {
    expect(fitPaste('abc', 'xy', 2, 2, 10)).toEqual({ insert: 'abc', cut: 0 })
  })

  it('cuts a paste at the limit and says how much was left out', () => {
    expect(fitPaste('abcdef', 'xyz', 3, 3, 5)).toEqual({ insert: 'ab', cut: 4 })
  })

  it('counts the selected text it replaces as room', () => {
    expect(fitPaste('abcd', 'xyz', 0, 3, 5)).toEqual({ insert: 'abcd', cut: 0 })
  })

  it('never leaves half an emoji at the cut', () => {
    expect(fitPaste('a🎉b', '', 0, 0, 2)).toEqual({ insert: 'a', cut: 3 })
  })
})
