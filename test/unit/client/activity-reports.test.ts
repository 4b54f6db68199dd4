import { describe, expect, it, vi } from 'vitest'

describe('activity reports', () => {
  it('tell the server of the first activity at once, then at most once a minute, and nothing while the tab is hidden', () => {
    let now = 1_000_000
    const report = vi.fn()
    const stop = useActivityReports(report, 60_000, () => now)
    window.dispatchEvent(new Event('pointermove'))
    window.dispatchEvent(new Event('keydown'))
    expect(report).toHaveBeenCalledTimes(1)
    now += 59_999
    window.dispatchEvent(new Event('pointerdown'))
    expect(report).toHaveBeenCalledTimes(1)
    now += 1
    const hidden = vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('hidden')
    document.dispatchEvent(new Event('visibilitychange'))
    expect(report).toHaveBeenCalledTimes(1)
    hidden.mockReturnValue('visible')
    document.dispatchEvent(new Event('visibilitychange'))
    expect(report).toHaveBeenCalledTimes(2)
    stop()
    now += 120_000
    window.dispatchEvent(new Event('keydown'))
    expect(report).toHaveBeenCalledTimes(2)
  })
})
