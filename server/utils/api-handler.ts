import { createError, defineEventHandler, setHeader, type EventHandlerRequest, type H3Event } from 'h3'
import { UserError } from '../core/errors.ts'

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Content Too Large',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
}

/** The one place domain errors become HTTP errors: a UserError keeps its status and words. */
export function toHttpError(error: unknown): unknown {
  if (!(error instanceof UserError)) return error
  return createError({ statusCode: error.status, statusMessage: STATUS_TEXT[error.status] ?? 'Error', message: error.message })
}

/** defineEventHandler for API routes: handlers throw domain errors and stay free of status mapping. */
export function defineApiHandler<T>(handler: (event: H3Event<EventHandlerRequest>) => T | Promise<T>) {
  return defineEventHandler(async (event) => {
    try {
      return await handler(event)
    }
    catch (error) {
      if (error instanceof UserError && error.retryAfter) setHeader(event, 'Retry-After', error.retryAfter)
      throw toHttpError(error)
    }
  })
}
