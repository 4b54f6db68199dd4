import { getServerConfig } from './config.ts'

type Level = 'debug' | 'info' | 'warn' | 'error'
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 }

export type LogFields = Record<string, unknown>

/** An error as a log field; an AWS SDK error also gives its HTTP status and request id (its message can be just "UnknownError"). */
function errorFields(error: Error): LogFields {
  const { $metadata } = error as { $metadata?: { httpStatusCode?: number, requestId?: string } }
  return { name: error.name, message: error.message, ...($metadata ? { status: $metadata.httpStatusCode, requestId: $metadata.requestId } : {}), stack: error.stack }
}

function serialise(fields: LogFields): LogFields {
  const out: LogFields = {}
  for (const [key, value] of Object.entries(fields)) {
    out[key] = value instanceof Error ? errorFields(value) : value
  }
  return out
}

/**
 * One line per event: JSON in production (CloudWatch Logs can filter on fields),
 * readable text in development.
 */
function write(level: Level, event: string, fields: LogFields = {}): void {
  let config
  try {
    config = getServerConfig()
  }
  catch {
    config = { production: process.env.NODE_ENV === 'production', logLevel: 'info' as Level }
  }
  if (ORDER[level] < ORDER[config.logLevel]) return
  const stream = level === 'error' || level === 'warn' ? process.stderr : process.stdout
  if (config.production) {
    // The event name comes last: a field of the same name must not hide it from log queries.
    stream.write(`${JSON.stringify({ time: new Date().toISOString(), level, ...serialise(fields), event })}\n`)
  }
  else {
    const extra = Object.entries(serialise(fields)).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ')
    stream.write(`${new Date().toISOString().slice(11, 23)} ${level.toUpperCase().padEnd(5)} ${event}${extra ? ` ${extra}` : ''}\n`)
  }
}

export const log = {
  debug: (event: string, fields?: LogFields) => write('debug', event, fields),
  info: (event: string, fields?: LogFields) => write('info', event, fields),
  warn: (event: string, fields?: LogFields) => write('warn', event, fields),
  error: (event: string, fields?: LogFields) => write('error', event, fields),
}
