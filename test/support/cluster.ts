import { startApp, startDatabase, type AppOptions } from './processes.ts'
import { startRedis } from './redis.ts'

export interface ClusterOptions {
  env?: Record<string, string>
  /** Point the servers at the local bucket server too (file uploads). */
  bucket?: boolean
  /** Folder holding the built server; defaults to the repository's .output. */
  outputDir?: string
  /** How each server is started (the browser tests' wrapper also keeps its log for failures). */
  start?: typeof startApp
}

/**
 * Two production servers sharing one database and one Redis, as behind a load balancer. The
 * parts stay reachable: tests read the database directly and stop or restart Redis.
 */
export async function startTwoInstances({ env = {}, bucket = false, outputDir, start = startApp }: ClusterOptions = {}) {
  const [db, redis] = await Promise.all([startDatabase(), startRedis()])
  const options: AppOptions = { dynamodbEndpoint: db.endpoint, redisUrl: redis.url, env, outputDir, ...(bucket ? { s3Endpoint: db.s3Endpoint } : {}) }
  const [a, b] = await Promise.all([start(options), start(options)])
  return {
    db,
    redis,
    a,
    b,
    async stop() {
      await Promise.all([a.stop(), b.stop()])
      redis.stop()
      await db.stop()
    },
  }
}

export type TwoInstances = Awaited<ReturnType<typeof startTwoInstances>>

/** One production server with a database of its own (and the local bucket server when asked). */
export async function startOneInstance({ env = {}, bucket = false }: Pick<ClusterOptions, 'env' | 'bucket'> = {}) {
  const db = await startDatabase()
  const app = await startApp({ dynamodbEndpoint: db.endpoint, env, ...(bucket ? { s3Endpoint: db.s3Endpoint } : {}) })
  return {
    db,
    app,
    async stop() {
      await app.stop()
      await db.stop()
    },
  }
}

export type OneInstance = Awaited<ReturnType<typeof startOneInstance>>
