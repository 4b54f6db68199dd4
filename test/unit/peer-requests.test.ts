import { afterEach, describe, expect, it, vi } from 'vitest'
import { askPeers } from '../../server/socket/peer-requests.ts'

afterEach(() => {
  vi.useRealTimers()
})

describe('asking the other instances', () => {
  it('gives the answers once the adapter calls back, with its error when some did not answer', async () => {
    expect(await askPeers<number>(() => true, done => done(null, [1, 2]))).toEqual({ answers: [1, 2], error: null })
    const partial = await askPeers<number>(() => true, done => done(new Error('timeout reached: only 1 responses received out of 2'), [1]))
    expect(partial.answers).toEqual([1])
    expect(partial.error?.message).toMatch(/timeout reached/)
  })

  it('asks nobody and answers at once while the other instances cannot be reached', async () => {
    const emit = vi.fn()
    const asked = await askPeers(() => false, emit)
    expect(emit).not.toHaveBeenCalled()
    expect(asked).toEqual({ answers: [], error: expect.any(Error) })
  })

  it('settles after the adapter\'s wait when the adapter never calls back (Redis gone mid-request)', async () => {
    vi.useFakeTimers()
    const asked = askPeers(() => true, () => {})
    await vi.advanceTimersByTimeAsync(5500)
    expect(await asked).toEqual({ answers: [], error: expect.any(Error) })
  })
})
