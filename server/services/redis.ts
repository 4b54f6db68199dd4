import { createHash } from 'node:crypto'
import { Redis } from 'ioredis'
import { log } from '../core/logger.ts'

/**
 * Redis connections for running several instances as one. ioredis reconnects by itself;
 * while Redis is down an instance keeps serving its own clients and /api/ready says so.
 */
export function createRedis(url: string, role: string): Redis {
  const client = new Redis(url, {
    // Fail commands fast instead of queueing them without bound while Redis is away.
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    retryStrategy: attempt => Math.min(attempt * 200, 2000),
    connectionName: `fargate-chat-${role}`,
    lazyConnect: false,
    // Commands issued in the same tick share one round trip (the send limit runs per message).
    enableAutoPipelining: true,
  })
  let down = false
  client.on('error', (error: Error) => {
    if (!down) log.warn('redis.error', { role, error: error.message })
    down = true
  })
  client.on('ready', () => {
    if (down) log.info('redis.reconnected', { role })
    down = false
  })
  return client
}

const shas = new Map<string, string>()

/** Runs a Lua script by its SHA1, loading it on the first NOSCRIPT (cheaper than EVAL per call). */
export async function runScript(redis: Redis, script: string, keys: string[], args: (string | number)[]): Promise<unknown> {
  let sha = shas.get(script)
  if (!sha) {
    sha = createHash('sha1').update(script).digest('hex')
    shas.set(script, sha)
  }
  try {
    return await redis.evalsha(sha, keys.length, ...keys, ...args)
  }
  catch (error) {
    if (!(error as Error).message.includes('NOSCRIPT')) throw error
    return redis.eval(script, keys.length, ...keys, ...args)
  }
}

/**
 * Uses Redis while it is connected and an in-process stand-in while it is not, so an instance
 * keeps serving its own clients through a Redis outage (limits and presence then hold per instance).
 */
export function whileConnected<A extends unknown[], R>(redis: Redis, shared: (...args: A) => Promise<R>, local: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args) => {
    if (redis.status !== 'ready') return local(...args)
    try {
      return await shared(...args)
    }
    catch (error) {
      if (redis.status === 'ready') throw error
      return local(...args)
    }
  }
}
