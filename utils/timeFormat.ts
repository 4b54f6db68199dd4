/** Where and how times are shown. The same on the server and while hydrating, so nothing flips. */
export interface TimeSettings {
  timeZone: string
  locale: string
}

/** The zone as Intl names it, or null for one it does not know. */
export function validTimeZone(zone: string | null | undefined): string | null {
  if (!zone) return null
  try {
    return new Intl.DateTimeFormat('en', { timeZone: zone }).resolvedOptions().timeZone
  }
  catch {
    return null
  }
}

/** The locale as Intl supports it, or null. */
export function validLocale(tag: string | null | undefined): string | null {
  if (!tag) return null
  try {
    return Intl.DateTimeFormat.supportedLocalesOf(tag)[0] ?? null
  }
  catch {
    return null
  }
}

/** The first language of an Accept-Language header, e.g. `en-GB` from `en-GB,en;q=0.9`. */
export function firstLanguage(header: string | undefined): string | null {
  return validLocale(header?.split(',')[0]?.split(';')[0]?.trim())
}

/** What the browser says, to compare with what the page was rendered with. */
export function browserTimeSettings(): TimeSettings {
  const resolved = Intl.DateTimeFormat().resolvedOptions()
  return { timeZone: resolved.timeZone, locale: validLocale(navigator.language) ?? resolved.locale }
}

/**
 * Building an Intl.DateTimeFormat costs far more than formatting with one (it was a third of a
 * room page's render time), so each (kind, locale, zone) is built once. The formatters hold no
 * per-reader state; the map is bounded since locales come from request headers.
 */
const formatters = new Map<string, Intl.DateTimeFormat>()
const FORMATTERS_MAX = 200

const OPTIONS = {
  day: { year: 'numeric', month: '2-digit', day: '2-digit' },
  full: { dateStyle: 'full', timeStyle: 'short' },
  time: { hour: 'numeric', minute: '2-digit' },
  date: { weekday: 'long', month: 'long', day: 'numeric', year: 'numeric' },
  stamp: { dateStyle: 'medium', timeStyle: 'short' },
} satisfies Record<string, Intl.DateTimeFormatOptions>

function formatter(kind: keyof typeof OPTIONS, locale: string, timeZone: string): Intl.DateTimeFormat {
  const key = `${kind}|${locale}|${timeZone}`
  let format = formatters.get(key)
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { ...OPTIONS[kind], timeZone })
    if (formatters.size >= FORMATTERS_MAX) formatters.delete(formatters.keys().next().value!)
    formatters.set(key, format)
  }
  return format
}

/** The calendar day a time falls on in `timeZone`, as a sortable key (YYYY-MM-DD). */
export function dayKey(time: number, timeZone: string): string {
  return formatter('day', 'en-CA', timeZone).format(time)
}

/** 'Today' or 'Yesterday' for those days, else null (the caller shows the date). */
export function relativeDay(time: number, timeZone: string, now: number): 'Today' | 'Yesterday' | null {
  const key = dayKey(time, timeZone)
  if (key === dayKey(now, timeZone)) return 'Today'
  if (key === dayKey(now - 86_400_000, timeZone)) return 'Yesterday'
  return null
}

/** The full date and time, for tooltips. */
export function formatFullTime(time: number, settings: TimeSettings): string {
  return formatter('full', settings.locale, settings.timeZone).format(time)
}

/** The time of day (`9:41 AM`), beside a message's author. */
export function formatTimeOfDay(time: number, settings: TimeSettings): string {
  return formatter('time', settings.locale, settings.timeZone).format(time)
}

/** A day written out (`Friday, November 27, 2026`), between days of messages. */
export function formatLongDate(time: number, settings: TimeSettings): string {
  return formatter('date', settings.locale, settings.timeZone).format(time)
}

/** A date with its time (`Nov 27, 2026, 9:41 AM`), where a message shows out of its day's context (search results). */
export function formatDateTime(time: number, settings: TimeSettings): string {
  return formatter('stamp', settings.locale, settings.timeZone).format(time)
}

/** The ISO form a `<time datetime>` carries. */
export function isoTime(time: number): string {
  return new Date(time).toISOString()
}
