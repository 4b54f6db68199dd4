import { createError, getQuery, getRouterParams, readBody, type H3Event } from 'h3'
import type { z } from 'zod'

/** One schema per payload: a failed parse becomes a 400 naming every problem, never a stack trace. */
function invalid(error: z.ZodError, what: string) {
  const issues = error.issues.map(issue => ({ path: issue.path.join('.'), message: issue.message }))
  const first = issues[0]
  return createError({
    statusCode: 400,
    statusMessage: 'Bad Request',
    message: first ? (first.path ? `${first.path}: ${first.message}` : first.message) : `Invalid ${what}`,
    data: { issues },
  })
}

export async function parseBody<S extends z.ZodType>(event: H3Event, schema: S): Promise<z.output<S>> {
  let body: unknown
  try {
    body = await readBody(event)
  }
  catch {
    throw createError({ statusCode: 400, statusMessage: 'Bad Request', message: 'Body must be valid JSON' })
  }
  const result = schema.safeParse(body ?? {})
  if (!result.success) throw invalid(result.error, 'body')
  return result.data
}

export function parseQuery<S extends z.ZodType>(event: H3Event, schema: S): z.output<S> {
  const result = schema.safeParse(getQuery(event))
  if (!result.success) throw invalid(result.error, 'query')
  return result.data
}

export function parseParams<S extends z.ZodType>(event: H3Event, schema: S): z.output<S> {
  const decode = (value: string) => {
    try {
      return decodeURIComponent(value)
    }
    catch {
      return value
    }
  }
  const params = Object.fromEntries(Object.entries(getRouterParams(event)).map(([k, v]) => [k, decode(v)]))
  const result = schema.safeParse(params)
  if (!result.success) throw invalid(result.error, 'path')
  return result.data
}
