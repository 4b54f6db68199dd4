/** Tells the server when this tab is in use (see useActivityReports), so that people show away or back. */
export default defineNuxtPlugin(() => {
  const socket = useChatSocket()
  useActivityReports(() => socket.active())
})
