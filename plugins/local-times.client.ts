/** Once hydration is over, switch times from the server's stable UTC form to the reader's locale. */
export default defineNuxtPlugin((nuxtApp) => {
  const local = useLocalTimes()
  // Not 'app:mounted': async pages and layouts are still hydrating then.
  nuxtApp.hooks.hookOnce('app:suspense:resolve', () => { local.value = true })
})
