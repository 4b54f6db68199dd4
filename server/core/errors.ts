/**
 * An error whose message is written for the person who caused it (safe to show as is), with the
 * HTTP status it maps to. HTTP routes (api-handler.ts) and socket handlers (socket/handler.ts)
 * turn these into responses in one place each; anything else is a server fault.
 */
export class UserError extends Error {
  readonly status: number
  /** Seconds before retrying makes sense (429), sent as Retry-After. */
  readonly retryAfter?: number

  constructor(message: string, status = 400, retryAfter?: number) {
    super(message)
    this.name = new.target.name
    this.status = status
    this.retryAfter = retryAfter
  }
}

/** 404: the resource does not exist, or the caller may not know that it does. */
export class NotFoundError extends UserError {
  constructor(message: string) {
    super(message, 404)
  }
}

export class UnauthorizedError extends UserError {
  constructor(message = 'Sign in first') {
    super(message, 401)
  }
}

export class ForbiddenError extends UserError {
  constructor(message: string) {
    super(message, 403)
  }
}

/** 413: a file over the upload limit. */
export class PayloadTooLargeError extends UserError {
  constructor(message: string) {
    super(message, 413)
  }
}

export class ConflictError extends UserError {
  constructor(message: string) {
    super(message, 409)
  }
}

/** 429 with a wait said in words ("Try again in 2 minutes."), never a raw number of seconds. */
export class TooManyRequestsError extends UserError {
  constructor(what: string, retryAfterSeconds: number) {
    super(`${what} Try again in ${describeWait(retryAfterSeconds)}.`, 429, Math.max(1, Math.ceil(retryAfterSeconds)))
  }
}

/** "a few seconds", "1 minute", "2 minutes", "1 hour". */
export function describeWait(seconds: number): string {
  if (seconds < 60) return seconds <= 1 ? '1 second' : `${Math.ceil(seconds)} seconds`
  const minutes = Math.ceil(seconds / 60)
  if (minutes < 60) return minutes === 1 ? '1 minute' : `${minutes} minutes`
  const hours = Math.ceil(minutes / 60)
  return hours === 1 ? '1 hour' : `${hours} hours`
}
