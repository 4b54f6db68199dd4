import { z } from '#shared/schemas/zod'
import { UserError } from '../core/errors.ts'

/** A payload that failed its schema: the message names the first problem, `issues` lists them all. */
class InvalidPayloadError extends UserError {
  readonly issues: { path: string, message: string }[]

  constructor(error: z.core.$ZodError) {
    const issues = error.issues.map(issue => ({ path: issue.path.join('.'), message: issue.message }))
    const first = issues[0]
    super(first ? (first.path ? `${first.path}: ${first.message}` : first.message) : 'Invalid payload', 400)
    this.issues = issues
  }
}

/**
 * A validator for h3's readValidatedBody / getValidatedQuery / getValidatedRouterParams: h3 turns
 * the thrown error into a 400 whose message names the problem and whose data lists every issue.
 */
export function validator<S extends z.core.$ZodType>(schema: S): (data: unknown) => z.output<S> {
  return (data) => {
    const result = z.safeParse(schema, data ?? {})
    if (!result.success) throw new InvalidPayloadError(result.error)
    return result.data
  }
}
