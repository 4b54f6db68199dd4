import type { ChangePasswordInput } from '#shared/schemas/auth'
import type { PersonStatus } from '#shared/types/chat'

/** The account's calls: security (both end every other session), display name and status. */
export function useAccount() {
  const api = useApi()
  return {
    changePassword: (input: ChangePasswordInput) =>
      api('/api/auth/password', { method: 'POST', body: input }),
    signOutOtherSessions: () =>
      api('/api/auth/sessions/others', { method: 'DELETE' }),
    setDisplayName: (displayName: string) =>
      api('/api/me', { method: 'PATCH', body: { displayName } }),
    setStatus: (status: PersonStatus) =>
      api('/api/me/status', { method: 'PUT', body: status }),
    clearStatus: () =>
      api('/api/me/status', { method: 'DELETE' }),
  }
}
