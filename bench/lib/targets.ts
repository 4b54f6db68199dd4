// The systems under test: the bare Socket.io reference, the persistence floor (bare Socket.io plus
// one awaited PutItem per message), the app (one instance), and two app instances sharing one
// redis-server. Each but bare comes with its own fresh in-memory dynalite process.
import { mkdirSync } from 'node:fs'
import { log } from './cli.ts'
import { app, bareServer, buildHasSocketServer, database, redis, requireBuild, type Service } from './services.ts'

export type TargetKind = 'bare' | 'floor' | 'app' | 'app2'
export const TARGET_LABELS: Record<TargetKind, string> = {
  bare: 'bare Socket.io',
  floor: 'floor: bare + PutItem',
  app: 'app, 1 instance',
  app2: 'app, 2 instances + Redis',
}

export interface Target {
  kind: TargetKind
  urls: string[]
  /** The server processes (sampled for CPU and RSS), first the Socket.io servers. */
  servers: Service[]
  /** Every process worth sampling: servers, dynalite, redis. */
  watch: Service[]
  stop: () => Promise<void>
}

export function appAvailable(): boolean {
  return buildHasSocketServer()
}

export async function startTarget(kind: TargetKind, options: { profileDir?: string, env?: Record<string, string> } = {}): Promise<Target> {
  const profile = (name: string): Record<string, string> => {
    if (!options.profileDir) return {}
    const dir = `${options.profileDir}/${name}`
    mkdirSync(dir, { recursive: true })
    return { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${dir}` }
  }
  if (kind === 'bare') {
    const dir = options.profileDir ? `${options.profileDir}/bare` : undefined
    if (dir) mkdirSync(dir, { recursive: true })
    const bare = await bareServer(dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [])
    return { kind, urls: [bare.url], servers: [bare], watch: [bare], stop: async () => { await bare.stop() } }
  }
  if (kind === 'floor') {
    const db = await database(profile('dynalite'))
    const dir = options.profileDir ? `${options.profileDir}/floor` : undefined
    if (dir) mkdirSync(dir, { recursive: true })
    const floor = await bareServer([...dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : []], ['--dynamodb-endpoint', db.endpoint], 'floor')
    return { kind, urls: [floor.url], servers: [floor], watch: [floor, db], stop: async () => { await floor.stop(); await db.stop() } }
  }
  requireBuild()
  const db = await database(profile('dynalite'))
  const services: Service[] = []
  let cache: Service | undefined
  if (kind === 'app2') cache = await redis()
  const count = kind === 'app2' ? 2 : 1
  for (let i = 0; i < count; i++) {
    const name = count === 1 ? 'app' : `app-${i + 1}`
    services.push(await app({ name, dynamodbEndpoint: db.endpoint, redisUrl: cache?.url, env: { ...options.env, ...profile(name) } }))
  }
  log(`  started ${services.map(s => `${s.name} ${s.url} (pid ${s.pid})`).join(', ')}; dynalite pid ${db.pid}${cache ? `; redis pid ${cache.pid}` : ''}`)
  return {
    kind,
    urls: services.map(s => s.url!),
    servers: services,
    watch: [...services, db, ...(cache ? [cache] : [])],
    async stop() {
      // Apps first (graceful, so --cpu-prof files are written), then the stores they use.
      await Promise.all(services.map(s => s.stop()))
      if (cache) await cache.stop()
      await db.stop()
    },
  }
}
