import { defineStore } from 'pinia'
import type { PublicUser } from '#shared/types/chat'
import type { LoginInput, RegisterInput } from '#shared/schemas/auth'

/** Who is signed in. Filled on the server during SSR and hydrated on the client. */
export const useSessionStore = defineStore('session', () => {
  const user = ref<PublicUser | null>(null)
  const loaded = ref(false)
  const api = useApi()

  async function load() {
    if (loaded.value) return
    const result = await api<{ user: PublicUser | null }>('/api/auth/me')
    user.value = result.user
    loaded.value = true
  }

  async function register(input: RegisterInput) {
    user.value = (await api<{ user: PublicUser }>('/api/auth/register', { method: 'POST', body: input })).user
  }

  async function login(input: LoginInput) {
    user.value = (await api<{ user: PublicUser }>('/api/auth/login', { method: 'POST', body: input })).user
  }

  async function continueAsGuest() {
    user.value = (await api<{ user: PublicUser }>('/api/auth/guest', { method: 'POST' })).user
  }

  async function logout() {
    await api('/api/auth/logout', { method: 'POST' })
    user.value = null
  }

  return { user, loaded, load, register, login, continueAsGuest, logout }
})
