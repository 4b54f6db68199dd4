/**
 * Once hydration is over, show times in the browser's own zone and language if the server guessed
 * otherwise, and remember the zone in a cookie so the next server-rendered page is right at once.
 */
export default defineNuxtPlugin((nuxtApp) => {
  const settings = useTimeSettings()
  const cookie = useTimeZoneCookie()
  // Not 'app:mounted': async pages and layouts are still hydrating then.
  nuxtApp.hooks.hookOnce('app:suspense:resolve', () => {
    const actual = browserTimeSettings()
    if (cookie.value !== actual.timeZone) cookie.value = actual.timeZone
    if (settings.value.timeZone !== actual.timeZone || settings.value.locale !== actual.locale) settings.value = actual
  })
})
