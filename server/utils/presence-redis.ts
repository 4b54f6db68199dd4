import { randomBytes } from 'node:crypto'
import type { Redis } from 'ioredis'
import type { RoomMember } from '#shared/types/chat'
import type { ExpiredListener, LocalMembers, PresenceStore } from './presence.ts'
import { runScript, whileConnected } from './redis.ts'

/**
 * Presence shared through Redis. Each set is a sorted set of `username\tavatar` scored by
 * expiry time, refreshed every HEARTBEAT_MS by every instance holding the member, plus one
 * plain set per instance recording its own claims. Members of an instance that dies stop
 * being refreshed and drop out within TTL_MS; a user on two instances stays until both leave.
 */
const HEARTBEAT_MS = 5_000
const TTL_MS = 15_000
const PREFIX = 'fc:presence'

const ADD = `
local old = redis.call('ZSCORE', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[1], 'GT', ARGV[2], ARGV[1])
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
if old == false or tonumber(old) < tonumber(ARGV[3]) then return 1 end
return 0`

// KEYS[1] the set, KEYS[2] the live-instance index; ARGV: member, this instance, now, set name.
const REMOVE = `
redis.call('SREM', '${PREFIX}:' .. ARGV[4] .. ':i:' .. ARGV[2], ARGV[1])
local live = redis.call('ZRANGEBYSCORE', KEYS[2], ARGV[3], '+inf')
for _, id in ipairs(live) do
  if id ~= ARGV[2] and redis.call('SISMEMBER', '${PREFIX}:' .. ARGV[4] .. ':i:' .. id, ARGV[1]) == 1 then return 0 end
end
redis.call('ZREM', KEYS[1], ARGV[1])
return 1`

const encode = (m: RoomMember) => `${m.username}\t${m.avatar}`
function decode(raw: string): RoomMember {
  const tab = raw.indexOf('\t')
  return { username: raw.slice(0, tab), avatar: raw.slice(tab + 1) }
}

export function createRedisPresenceStore(redis: Redis, localMembers: LocalMembers, expired: ExpiredListener): PresenceStore {
  const instance = randomBytes(6).toString('hex')
  const key = (set: string) => `${PREFIX}:${set}`
  const own = (set: string) => `${PREFIX}:${set}:i:${instance}`
  const instances = `${PREFIX}:instances`

  async function heartbeat() {
    const now = Date.now()
    const expiry = now + TTL_MS
    const pipeline = redis.pipeline().zadd(instances, expiry, instance).zremrangebyscore(instances, '-inf', now)
    for (const [set, users] of localMembers()) {
      const members = users.map(encode)
      if (!members.length) continue
      pipeline.zadd(key(set), 'GT', ...members.flatMap(m => [expiry, m]))
      pipeline.sadd(own(set), ...members).pexpire(own(set), TTL_MS)
    }
    await pipeline.exec()
    // The sets this instance has people in are the ones whose viewers (or the online count) it
    // serves. ZREMRANGEBYSCORE is atomic, so exactly one instance sees them go, and tells.
    const sets = [...localMembers().keys()]
    const removed = await Promise.all(sets.map(set => redis.zremrangebyscore(key(set), '-inf', now)))
    sets.forEach((set, i) => removed[i]! > 0 && expired(set))
  }

  const timer = setInterval(() => { heartbeat().catch(() => { /* Redis down: retried next beat */ }) }, HEARTBEAT_MS)
  timer.unref()
  heartbeat().catch(() => {})

  // During a Redis outage this instance answers from its own members; the heartbeat puts them
  // back into Redis once it returns (its data may be gone after a restart).
  const localOnly = (set: string) => localMembers().get(set) ?? []
  const shared: Omit<PresenceStore, 'close'> = {
    async add(set, member) {
      const now = Date.now()
      await redis.zadd(instances, now + TTL_MS, instance)
      return await runScript(redis, ADD, [key(set), own(set)], [encode(member), now + TTL_MS, now, TTL_MS]) === 1
    },
    async remove(set, member) {
      return await runScript(redis, REMOVE, [key(set), instances], [encode(member), instance, Date.now(), set]) === 1
    },
    async count(set) {
      return redis.zcount(key(set), Date.now(), '+inf')
    },
    async members(set) {
      return (await redis.zrangebyscore(key(set), Date.now(), '+inf')).map(decode)
    },
  }
  return {
    add: whileConnected(redis, shared.add, async () => true),
    remove: whileConnected(redis, shared.remove, async () => true),
    count: whileConnected(redis, shared.count, async set => localOnly(set).length),
    members: whileConnected(redis, shared.members, async set => localOnly(set)),
    async close() {
      clearInterval(timer)
      // Leave nothing behind for the others to wait 15 s on.
      const pipeline = redis.pipeline().zrem(instances, instance)
      for (const [set, users] of localMembers()) {
        pipeline.del(own(set))
        for (const member of users) pipeline.eval(REMOVE, 2, key(set), instances, encode(member), instance, Date.now(), set)
      }
      await pipeline.exec().catch(() => {})
    },
  }
}
