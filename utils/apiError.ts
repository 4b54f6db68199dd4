import type { FetchError } from 'ofetch'
import type { ApiError } from '#shared/types/chat'

/** The message a person should read for a failed API call. */
export function apiErrorMessage(error: unknown): string {
  const data = (error as FetchError<ApiError>)?.data
  if (data?.message) return data.message
  return (error as Error)?.message || 'Something went wrong'
}
