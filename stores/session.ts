import { defineStore } from 'pinia'
import type { PublicUser } from '#shared/types/chat'
import type { LoginInput, RegisterInput } from '#shared/schemas/auth'

/** Who is signed in. Filled on the server during SSR and hydrated on the client. */
export const useSessionStore = defineStore('session', () => {
  const user = ref<PublicUser | null>(null)
  const loaded = ref(false)
  /**
   * Whose data the other stores hold: the last person signed in on this page. It survives
   * signing out, so signing in as someone else (not the same person again) starts from empty stores.
   */
  const owner = ref<string | null>(null)
  const api = useApi()
  const reads = usePageReads()

  function signedIn(next: PublicUser | null) {
    user.value = next
    if (next) owner.value = next.username
  }

  async function load() {
    if (loaded.value) return
    signedIn((await reads.me()).user)
    loaded.value = true
  }

  /** Asks the server again: a session can end elsewhere (signed out, password changed). */
  async function recheck() {
    signedIn((await reads.me()).user)
  }

  async function register(input: RegisterInput) {
    signedIn((await api<{ user: PublicUser }>('/api/auth/register', { method: 'POST', body: input })).user)
  }

  async function login(input: LoginInput) {
    signedIn((await api<{ user: PublicUser }>('/api/auth/login', { method: 'POST', body: input })).user)
  }

  async function continueAsGuest() {
    signedIn((await api<{ user: PublicUser }>('/api/auth/guest', { method: 'POST' })).user)
  }

  async function logout() {
    await api('/api/auth/logout', { method: 'POST' })
    user.value = null
  }

  return { user, loaded, owner, load, recheck, register, login, continueAsGuest, logout }
})
