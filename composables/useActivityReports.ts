/** A tab tells the server it is in use at most this often: only going away and coming back matter. */
const ACTIVITY_REPORT_MS = 60_000

const EVENTS = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart', 'focus'] as const

/**
 * Reports this tab's activity (pointer, keys, focus, the tab shown again) through `report`, at most
 * once per `everyMs`: the first activity after a quiet spell goes at once, so someone away is back
 * the moment they touch a tab. Answers a function that stops listening.
 */
export function useActivityReports(report: () => void, everyMs = ACTIVITY_REPORT_MS, now = () => Date.now()): () => void {
  let last = -Infinity
  const seen = () => {
    if (document.visibilityState === 'hidden') return
    const at = now()
    if (at - last < everyMs) return
    last = at
    report()
  }
  const options = { passive: true, capture: true }
  for (const event of EVENTS) window.addEventListener(event, seen, options)
  document.addEventListener('visibilitychange', seen)
  return () => {
    for (const event of EVENTS) window.removeEventListener(event, seen, options)
    document.removeEventListener('visibilitychange', seen)
  }
}
