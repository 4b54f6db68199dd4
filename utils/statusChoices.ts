// What the status dialog offers (its own module: the dialog loads when first opened, and these with it).

/** The dialog's choices of how long a status lasts, as its end (ms) from `now`, or null: until cleared. */
export type StatusDuration = '30m' | '1h' | '4h' | 'today' | 'week' | 'never'

export const STATUS_DURATIONS: { value: StatusDuration, label: string }[] = [
  { value: '30m', label: '30 minutes' },
  { value: '1h', label: '1 hour' },
  { value: '4h', label: '4 hours' },
  { value: 'today', label: 'Today' },
  { value: 'week', label: 'This week' },
  { value: 'never', label: 'Don\'t clear' },
]

/** Slack's presets: what people set most. */
export const STATUS_PRESETS: { emoji: string, text: string, duration: StatusDuration }[] = [
  { emoji: '📅', text: 'In a meeting', duration: '1h' },
  { emoji: '🚌', text: 'Commuting', duration: '30m' },
  { emoji: '🤒', text: 'Out sick', duration: 'today' },
  { emoji: '🌴', text: 'On holiday', duration: 'never' },
]

const MINUTE = 60_000

/**
 * The end of a status set at `now` for `duration` in the browser's own time zone: today ends at
 * midnight, this week at the midnight that starts Monday (Sunday's end), as a calendar week does.
 */
export function statusExpiry(duration: StatusDuration, now: number): number | null {
  switch (duration) {
    case '30m': return now + 30 * MINUTE
    case '1h': return now + 60 * MINUTE
    case '4h': return now + 240 * MINUTE
    case 'never': return null
    default: {
      const end = new Date(now)
      end.setHours(24, 0, 0, 0)
      // getDay: 0 is Sunday; the week runs Monday to Sunday.
      if (duration === 'week') end.setDate(end.getDate() + ((7 - new Date(now).getDay()) % 7))
      return end.getTime()
    }
  }
}
