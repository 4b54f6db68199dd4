import { defineEventHandler, setResponseStatus } from 'h3'
import { checkReadiness } from '../services/readiness.ts'

/** Readiness: 200 when DynamoDB (and Redis, when configured) answer, else 503 naming what failed (detail in the logs only). */
export default defineEventHandler(async (event) => {
  const result = await checkReadiness()
  if (!result.ready) setResponseStatus(event, 503)
  return { status: result.ready ? 'ready' : 'unavailable', checks: result.checks }
})
