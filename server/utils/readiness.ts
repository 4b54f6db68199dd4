import { GetCommand } from '@aws-sdk/lib-dynamodb'
import { getDatabase } from './database.ts'

export interface ReadinessCheck {
  name: string
  check: () => Promise<void>
}

const checks: ReadinessCheck[] = [{
  name: 'dynamodb',
  // A GetItem needs no more permission than the app already has (DescribeTable would).
  async check() {
    const { doc, tables } = await getDatabase()
    await doc.send(new GetCommand({ TableName: tables.rooms, Key: { id: '__ready__' } }))
  },
}]

let draining = false
let warming = false

/** Not ready until `work` settles (the startup warm-up); it must not reject. */
export function holdReadinessUntil(work: Promise<unknown>): void {
  warming = true
  void work.finally(() => { warming = false })
}

/** Other subsystems (Redis) add their own checks. */
export function addReadinessCheck(check: ReadinessCheck): void {
  checks.push(check)
}

/** Set on SIGTERM so the load balancer stops sending new work before connections close. */
export function markDraining(): void {
  draining = true
}

export async function checkReadiness(timeoutMs = 2000): Promise<{ ready: boolean, checks: Record<string, string> }> {
  const results: Record<string, string> = {}
  await Promise.all(checks.map(async ({ name, check }) => {
    let timer: NodeJS.Timeout | undefined
    try {
      await Promise.race([check(), new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs)
      })])
      results[name] = 'ok'
    }
    catch (error) {
      results[name] = (error as Error).message || (error as Error).name
    }
    finally {
      clearTimeout(timer)
    }
  }))
  if (warming) results['warm-up'] = 'in progress'
  if (draining) results.shutdown = 'draining'
  return { ready: Object.values(results).every(r => r === 'ok'), checks: results }
}
