import type { ChangePasswordInput } from '#shared/schemas/auth'

/** Account security calls of the profile dialog; both end every other session of the account. */
export function useAccount() {
  const api = useApi()
  return {
    changePassword: (input: ChangePasswordInput) =>
      api('/api/auth/password', { method: 'POST', body: input }),
    signOutOtherSessions: () =>
      api('/api/auth/sessions/others', { method: 'DELETE' }),
    setDisplayName: (displayName: string) =>
      api('/api/me', { method: 'PATCH', body: { displayName } }),
  }
}
