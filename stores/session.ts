import { defineStore } from 'pinia'
import type { PublicUser } from '#shared/types/chat'
import type { LoginInput, RegisterInput } from '#shared/schemas/auth'

/** Who is signed in. Filled on the server during SSR and hydrated on the client. */
export const useSessionStore = defineStore('session', () => {
  const user = ref<PublicUser | null>(null)
  /** One of ADMINS: the pages offer what admins may do (the server decides either way). */
  const admin = ref(false)
  const loaded = ref(false)
  /**
   * Whose data the other stores hold: the last person signed in on this page. It survives
   * signing out, so signing in as someone else (not the same person again) starts from empty stores.
   */
  const owner = ref<string | null>(null)
  const api = useApi()
  const reads = usePageReads()

  function signedIn(next: { user: PublicUser | null, admin?: true }) {
    user.value = next.user
    admin.value = next.admin === true
    if (next.user) owner.value = next.user.username
  }

  async function load() {
    if (loaded.value) return
    signedIn(await reads.me())
    loaded.value = true
  }

  /** Asks the server again: a session can end elsewhere (signed out, password changed). */
  async function recheck() {
    signedIn(await reads.me())
  }

  async function register(input: RegisterInput) {
    signedIn(await api('/api/auth/register', { method: 'POST', body: input }))
  }

  async function login(input: LoginInput) {
    signedIn(await api('/api/auth/login', { method: 'POST', body: input }))
  }

  async function continueAsGuest() {
    signedIn(await api('/api/auth/guest', { method: 'POST' }))
  }

  async function logout() {
    await api('/api/auth/logout', { method: 'POST' })
    user.value = null
    admin.value = false
  }

  return { user, admin, loaded, owner, load, recheck, register, login, continueAsGuest, logout }
})
