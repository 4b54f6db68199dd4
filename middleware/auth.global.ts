import { safeRedirect } from '#shared/utils/redirect'

/** Signed-out visitors go to /login and come back to the page they asked for. */
export default defineNuxtRouteMiddleware(async (to) => {
  const session = useSessionStore()
  await session.load()
  if (!session.user && to.path !== '/login') {
    return navigateTo({ path: '/login', query: { redirect: to.fullPath } })
  }
  // Someone signed in has nothing to do on /login.
  if (session.user && to.path === '/login') {
    return navigateTo(safeRedirect(to.query.redirect))
  }
})
