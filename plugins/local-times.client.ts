/** After hydration, switch times from the server's stable UTC form to the reader's locale. */
export default defineNuxtPlugin((nuxtApp) => {
  const local = useLocalTimes()
  nuxtApp.hook('app:mounted', () => { local.value = true })
})
