import type { Redis } from 'ioredis'
import { ClientIds } from './client-ids.ts'
import { getServerConfig } from '../core/config.ts'
import { createLimiters, type Limiters } from './limits.ts'
import { createMemoryPresenceStore, Presence } from './presence.ts'
import { createRedisPresenceStore } from './redis-presence-store.ts'
import { createRedis } from './redis.ts'

/** The three Redis connections of an instance: commands, and the adapter's publish/subscribe pair. */
interface RedisClients {
  commands: Redis
  publish: Redis
  subscribe: Redis
}

/**
 * The server's long-lived services, created once per process and reached the same way by HTTP
 * routes, socket handlers and plugins: nothing depends on which of them ran first.
 */
export interface Services {
  redis: RedisClients | null
  limits: Limiters
  presence: Presence
  clientIds: ClientIds
}

let services: Services | undefined

function createServices(): Services {
  const config = getServerConfig()
  const redis = config.redisUrl
    ? {
        commands: createRedis(config.redisUrl, 'commands'),
        publish: createRedis(config.redisUrl, 'publish'),
        subscribe: createRedis(config.redisUrl, 'subscribe'),
      }
    : null
  return {
    redis,
    limits: createLimiters(redis?.commands ?? null, config.limits),
    presence: new Presence(redis ? (local, changed) => createRedisPresenceStore(redis.commands, local, changed) : createMemoryPresenceStore, { tellEveryMs: Math.min(30_000, config.awayAfterMs / 4) }),
    clientIds: new ClientIds(redis?.commands ?? null),
  }
}

export function useServices(): Services {
  services ??= createServices()
  return services
}

/** Last step of a shutdown, after Socket.io has closed (it still publishes while closing). */
export async function closeServices(): Promise<void> {
  if (!services) return
  const { presence, redis } = services
  services = undefined
  await presence.close()
  if (redis) await Promise.all(Object.values(redis).map(client => client.quit().catch(() => client.disconnect())))
}
