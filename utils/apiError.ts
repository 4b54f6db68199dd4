import type { FetchError } from 'ofetch'
import type { ApiError } from '#shared/types/chat'

/** The message a person should read for a failed API call. */
export function apiErrorMessage(error: unknown): string {
  const data = (error as FetchError<ApiError>)?.data
  if (data?.message) return data.message
  return (error as Error)?.message || 'Something went wrong'
}

/** For a one-field form (the search box): the field's problem in words, without the field's name before it. */
export function apiIssueMessage(error: unknown): string {
  const issue = (error as FetchError<ApiError>)?.data?.data?.issues?.[0]
  return issue?.message ?? apiErrorMessage(error)
}
