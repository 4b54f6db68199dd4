import type { ChangePasswordInput } from '#shared/schemas/auth'
import type { Person } from '#shared/types/chat'

/** Account security calls of the profile dialog; both end every other session of the account. */
export function useAccount() {
  const api = useApi()
  return {
    changePassword: (input: ChangePasswordInput) =>
      api<{ endedSessions: number }>('/api/auth/password', { method: 'POST', body: input }),
    signOutOtherSessions: () =>
      api<{ endedSessions: number }>('/api/auth/sessions/others', { method: 'DELETE' }),
    setDisplayName: (displayName: string) =>
      api<{ user: Person }>('/api/me', { method: 'PATCH', body: { displayName } }),
  }
}
