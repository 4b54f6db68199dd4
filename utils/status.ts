import type { PersonStatus } from '#shared/types/chat'

/** When a status ends, in words: "until 3:30 PM" the same day, else with its date; "" for "don't clear". */
export function statusUntil(status: Pick<PersonStatus, 'expiresAt'>, now: number, settings: TimeSettings): string {
  if (status.expiresAt === null) return ''
  const sameDay = dayKey(status.expiresAt, settings.timeZone) === dayKey(now, settings.timeZone)
  return `until ${sameDay ? formatTimeOfDay(status.expiresAt, settings) : formatDateTime(status.expiresAt, settings)}`
}

/** A status as one line of words (its emoji's accessible name and tooltip): "In a meeting, until 3:30 PM". */
export function statusLabel(status: PersonStatus, now: number, settings: TimeSettings): string {
  const until = statusUntil(status, now, settings)
  const text = status.text || 'Status'
  return until ? `${text}, ${until}` : text
}
