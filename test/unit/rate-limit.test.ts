import { describe, expect, it } from 'vitest'
import { clearCounter, createMemoryCounterStore, recordFailure, retryAfterSeconds, setCounterStore } from '../../server/utils/rate-limit.ts'

describe('failure counters', () => {
  it('blocks once a rule reaches its limit until the window ends', async () => {
    let now = 1_000_000
    setCounterStore(createMemoryCounterStore(() => now))
    const rules = [{ key: 'u', limit: 2 }, { key: 'ip', limit: 5 }]
    await recordFailure(rules, 60)
    expect(await retryAfterSeconds(rules)).toBe(0)
    await recordFailure(rules, 60)
    expect(await retryAfterSeconds(rules)).toBe(60)
    now += 30_000
    expect(await retryAfterSeconds(rules)).toBe(30)
    now += 30_000
    expect(await retryAfterSeconds(rules)).toBe(0)
    await recordFailure(rules, 60)
    await recordFailure(rules, 60)
    await clearCounter('u')
    expect(await retryAfterSeconds(rules)).toBe(0)
  })
})
