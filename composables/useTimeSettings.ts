/** The browser stores its time zone here once, so that server-rendered pages show the reader's times. */
const TIME_ZONE_COOKIE = 'time-zone'

const ONE_YEAR_S = 60 * 60 * 24 * 365

export function useTimeZoneCookie() {
  return useCookie<string | null>(TIME_ZONE_COOKIE, { maxAge: ONE_YEAR_S, sameSite: 'lax', path: '/' })
}

/**
 * The reader's time zone (from the cookie the browser set on an earlier visit, else UTC) and
 * locale (from Accept-Language), decided during SSR and hydrated as state. The client plugin
 * corrects both to the browser's own once hydration is over (the first visit, a travel).
 */
export function useTimeSettings() {
  const cookie = useTimeZoneCookie()
  const headers = import.meta.server ? useRequestHeaders(['accept-language']) : {}
  return useState<TimeSettings>('time-settings', () => ({
    timeZone: validTimeZone(cookie.value) ?? 'UTC',
    locale: (import.meta.server ? firstLanguage(headers['accept-language']) : validLocale(navigator.language)) ?? 'en',
  }))
}
