import { pingDatabase } from '../storage/database.ts'
import { log } from '../core/logger.ts'
import { useServices } from './services.ts'

interface ReadinessCheck {
  name: string
  check: () => Promise<void>
}

const dynamodb: ReadinessCheck = {
  name: 'dynamodb',
  check: pingDatabase,
}

/** All three connections must be up: without the adapter's pair, broadcasts stay on this instance. */
const redis: ReadinessCheck = {
  name: 'redis',
  async check() {
    const clients = useServices().redis
    if (!clients) return
    for (const client of Object.values(clients)) if (client.status !== 'ready') throw new Error(`redis ${client.status}`)
    await clients.commands.ping()
  },
}

function readinessChecks(): ReadinessCheck[] {
  return useServices().redis ? [dynamodb, redis] : [dynamodb]
}

let draining = false
let warming = false

/** Not ready until `work` settles (the startup warm-up); it must not reject. */
export function holdReadinessUntil(work: Promise<unknown>): void {
  warming = true
  void work.finally(() => { warming = false })
}

/** Set on SIGTERM so the load balancer stops sending new work before connections close. */
export function markDraining(): void {
  draining = true
}

class CheckTimeout extends Error {}

/**
 * Each check's outcome as one public word ('ok', 'failed', 'timeout'): the route is reachable from
 * the internet, so the error itself (addresses, ports, SDK messages) goes only to the logs.
 */
export async function checkReadiness(timeoutMs = 2000): Promise<{ ready: boolean, checks: Record<string, string> }> {
  const results: Record<string, string> = {}
  await Promise.all(readinessChecks().map(async ({ name, check }) => {
    let timer: NodeJS.Timeout | undefined
    try {
      await Promise.race([check(), new Promise((_, reject) => {
        timer = setTimeout(() => reject(new CheckTimeout(`timed out after ${timeoutMs} ms`)), timeoutMs)
      })])
      results[name] = 'ok'
    }
    catch (error) {
      results[name] = error instanceof CheckTimeout ? 'timeout' : 'failed'
      log.warn('readiness.failed', { check: name, error: error as Error })
    }
    finally {
      clearTimeout(timer)
    }
  }))
  if (warming) results['warm-up'] = 'in progress'
  if (draining) results.shutdown = 'draining'
  return { ready: Object.values(results).every(r => r === 'ok'), checks: results }
}
