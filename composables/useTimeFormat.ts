/**
 * Times are shown in the reader's locale and time zone, which the server does not know. The server
 * (and the hydrating client) render a stable UTC form; once the app is mounted `localTimes` turns
 * true and everything re-renders in local time, so hydration never mismatches.
 */
export function useLocalTimes() {
  return useState('local-times', () => false)
}

function pad(n: number): string {
  return String(n).padStart(2, '0')
}

export function formatTime(time: number, local: boolean): string {
  const date = new Date(time)
  if (!local) return `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())} UTC`
  return new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' }).format(date)
}

export function formatFullTime(time: number, local: boolean): string {
  const date = new Date(time)
  if (!local) return date.toISOString().replace('T', ' ').slice(0, 16) + ' UTC'
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short' }).format(date)
}

/** The calendar day a time falls on, as a sortable key: local day on the client, UTC day on the server. */
export function dayKey(time: number, local: boolean): string {
  const d = new Date(time)
  return local
    ? `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
    : d.toISOString().slice(0, 10)
}

export function formatDay(time: number, local: boolean, now = Date.now()): string {
  if (!local) return new Date(time).toISOString().slice(0, 10)
  const key = dayKey(time, true)
  if (key === dayKey(now, true)) return 'Today'
  if (key === dayKey(now - 86_400_000, true)) return 'Yesterday'
  return new Intl.DateTimeFormat(undefined, { weekday: 'long', month: 'long', day: 'numeric', year: 'numeric' }).format(new Date(time))
}
