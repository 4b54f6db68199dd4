import { randomBytes } from 'node:crypto'
import type { Redis } from 'ioredis'
import type { RoomMember } from '#shared/types/chat'
import { nextVersion, type ChangedListener, type LocalMembers, type PresenceStore } from './presence.ts'
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
/** A set's version outlives its members by far; a lost one starts again from Redis's clock. */
const VERSION_TTL_MS = 24 * 60 * 60 * 1000

/**
 * Every change of a set sets its version (key `<set>:v`) to Redis's clock in microseconds, and
 * always above the previous version (see RoomViewers): one clock for every instance.
 */
const BUMP = `
local function bump(key)
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
  local last = tonumber(redis.call('GET', key) or '0')
  if now <= last then now = last + 1 end
  redis.call('SET', key, string.format('%.0f', now), 'PX', ${VERSION_TTL_MS})
end
`

// KEYS: the set, this instance's claims in it, the set's version, the live-instance index;
// ARGV: member, expiry, now, TTL, this instance. One script, so that it reaches Redis in the order
// it was called (a leave right after a join must not overtake it).
const ADD = `${BUMP}
redis.call('ZADD', KEYS[4], ARGV[2], ARGV[5])
local old = redis.call('ZSCORE', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[1], 'GT', ARGV[2], ARGV[1])
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
if old == false or tonumber(old) < tonumber(ARGV[3]) then
  bump(KEYS[3])
  return 1
end
return 0`

// KEYS: the set, the live-instance index, the set's version; ARGV: member, this instance, now, set name.
const REMOVE = `${BUMP}
redis.call('SREM', '${PREFIX}:' .. ARGV[4] .. ':i:' .. ARGV[2], ARGV[1])
local live = redis.call('ZRANGEBYSCORE', KEYS[2], ARGV[3], '+inf')
for _, id in ipairs(live) do
  if id ~= ARGV[2] and redis.call('SISMEMBER', '${PREFIX}:' .. ARGV[4] .. ':i:' .. id, ARGV[1]) == 1 then return 0 end
end
if redis.call('ZREM', KEYS[1], ARGV[1]) == 1 then bump(KEYS[3]) end
return 1`

// KEYS: the set, its version, this instance's claims in it; ARGV: now, expiry, TTL, members…
// This instance's members are refreshed (and put back if Redis lost them: a restart), members past
// their expiry leave (their instance died). Either changes the list: its version moves, and the
// caller tells the room.
const BEAT = `${BUMP}
local changed = 0
for i = 4, #ARGV do
  changed = changed + redis.call('ZADD', KEYS[1], 'GT', ARGV[2], ARGV[i])
  redis.call('SADD', KEYS[3], ARGV[i])
end
redis.call('PEXPIRE', KEYS[3], ARGV[3])
changed = changed + redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if changed > 0 then bump(KEYS[2]) end
return changed`

// KEYS: the set's version. Moves it on alone (someone in the set went away or came back).
const BUMP_ONLY = `${BUMP}
bump(KEYS[1])`

// KEYS: the set, its version; ARGV: now. The version and the number of members, read together.
const COUNTED = `
return { redis.call('GET', KEYS[2]) or '0', redis.call('ZCOUNT', KEYS[1], ARGV[1], '+inf') }`

// KEYS: the set, its version, the away set; ARGV: now. The version first, then the members, each
// marked 1 (away) or 0, read together.
const MEMBERS = `
local version = redis.call('GET', KEYS[2]) or '0'
local members = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], '+inf')
for i, member in ipairs(members) do
  local name = string.match(member, '^[^\t]*')
  members[i] = (redis.call('SISMEMBER', KEYS[3], name) == 1 and '1' or '0') .. member
end
table.insert(members, 1, version)
return members`

// Away: one sorted set of everyone's last activity (ms, the newest any instance saw) and one set of
// who is away. KEYS: activity, away; ARGV: username, now. 1 when this ended their being away.
const TOUCH = `
redis.call('ZADD', KEYS[1], 'GT', ARGV[2], ARGV[1])
return redis.call('SREM', KEYS[2], ARGV[1])`

// KEYS: activity, away; ARGV: idle before (ms), forgotten before (ms), now, usernames… Marks away those
// idle everywhere since before then; answers the ones this call marked. Someone with no activity
// known (Redis lost it) starts counting now. Activity of people gone for long is dropped.
const MARK_AWAY = `
local marked = {}
for i = 4, #ARGV do
  local at = redis.call('ZSCORE', KEYS[1], ARGV[i])
  if not at then
    redis.call('ZADD', KEYS[1], ARGV[3], ARGV[i])
  elseif tonumber(at) < tonumber(ARGV[1]) and redis.call('SADD', KEYS[2], ARGV[i]) == 1 then
    table.insert(marked, ARGV[i])
  end
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
return marked`

/** Activity older than this belongs to people long gone (an instance died before they left). */
const ACTIVITY_KEPT_MS = 7 * 24 * 60 * 60 * 1000

const encode = (m: RoomMember) => `${m.username}\t${m.avatar}`
function decode(raw: string): RoomMember {
  const tab = raw.indexOf('\t')
  return { username: raw.slice(0, tab), avatar: raw.slice(tab + 1) }
}
/** A member as MEMBERS answers it: its away mark, then as stored. */
function decodeMarked(raw: string): RoomMember {
  const member = decode(raw.slice(1))
  return raw[0] === '1' ? { ...member, away: true } : member
}

export function createRedisPresenceStore(redis: Redis, localMembers: LocalMembers, changed: ChangedListener): PresenceStore {
  const instance = randomBytes(6).toString('hex')
  const key = (set: string) => `${PREFIX}:${set}`
  const own = (set: string) => `${PREFIX}:${set}:i:${instance}`
  const version = (set: string) => `${PREFIX}:${set}:v`
  const instances = `${PREFIX}:instances`
  const activity = `${PREFIX}:activity`
  const away = `${PREFIX}:away`

  async function heartbeat() {
    const now = Date.now()
    const expiry = now + TTL_MS
    // Everything is sent in this tick, from one snapshot of this instance's members, so a leave
    // that follows reaches Redis after this beat and is not undone by it.
    const upkeep = redis.pipeline().zadd(instances, expiry, instance).zremrangebyscore(instances, '-inf', now).exec()
    const sets = [...localMembers()].filter(([, users]) => users.length)
    const results = await Promise.all(sets.map(([set, users]) => runScript(redis, BEAT, [key(set), version(set), own(set)], [now, expiry, TTL_MS, ...users.map(encode)]) as Promise<number>))
    await upkeep
    // The sets this instance has people in are the ones whose viewers (or the online count) it
    // serves. The script is atomic, so exactly one instance sees a change, and tells.
    sets.forEach(([set], i) => results[i]! > 0 && changed(set))
  }

  const timer = setInterval(() => { heartbeat().catch(() => { /* Redis down: retried next beat */ }) }, HEARTBEAT_MS)
  timer.unref()
  heartbeat().catch(() => {})

  // During a Redis outage this instance answers from its own members; the heartbeat puts them
  // back into Redis once it returns (its data may be gone after a restart).
  const localOnly = (set: string) => localMembers().get(set) ?? []
  // Versions of the lists answered without Redis: this instance's clock, never going back.
  let localVersion = 0
  const shared: Omit<PresenceStore, 'close'> = {
    async add(set, member) {
      const now = Date.now()
      return await runScript(redis, ADD, [key(set), own(set), version(set), instances], [encode(member), now + TTL_MS, now, TTL_MS, instance]) === 1
    },
    async remove(set, member) {
      return await runScript(redis, REMOVE, [key(set), instances, version(set)], [encode(member), instance, Date.now(), set]) === 1
    },
    async count(set) {
      return redis.zcount(key(set), Date.now(), '+inf')
    },
    async counted(set) {
      const [current, count] = await runScript(redis, COUNTED, [key(set), version(set)], [Date.now()]) as [string, number]
      return { count, version: Number(current) }
    },
    async members(set) {
      const [current, ...members] = await runScript(redis, MEMBERS, [key(set), version(set), away], [Date.now()]) as string[]
      return { members: members.map(decodeMarked), version: Number(current) }
    },
    async bump(set) {
      await runScript(redis, BUMP_ONLY, [version(set)], [])
    },
    async touch(username, at) {
      return await runScript(redis, TOUCH, [activity, away], [username, at]) === 1
    },
    async markAway(usernames, before) {
      const now = Date.now()
      return await runScript(redis, MARK_AWAY, [activity, away], [before, now - ACTIVITY_KEPT_MS, now, ...usernames]) as string[]
    },
    async forget(username) {
      await redis.multi().zrem(activity, username).srem(away, username).exec()
    },
  }
  return {
    add: whileConnected(redis, shared.add, async () => true),
    remove: whileConnected(redis, shared.remove, async () => true),
    count: whileConnected(redis, shared.count, async set => localOnly(set).length),
    counted: whileConnected(redis, shared.counted, async set => ({ count: localOnly(set).length, version: localVersion = nextVersion(localVersion) })),
    members: whileConnected(redis, shared.members, async set => ({ members: localOnly(set), version: localVersion = nextVersion(localVersion) })),
    // Away is not known without Redis: everyone shows active until it is back.
    bump: whileConnected(redis, shared.bump, async () => {}),
    touch: whileConnected(redis, shared.touch, async () => false),
    markAway: whileConnected(redis, shared.markAway, async () => []),
    forget: whileConnected(redis, shared.forget, async () => {}),
    async close() {
      clearInterval(timer)
      // Leave nothing behind for the others to wait 15 s on.
      const pipeline = redis.pipeline().zrem(instances, instance)
      for (const [set, users] of localMembers()) {
        pipeline.del(own(set))
        for (const member of users) pipeline.eval(REMOVE, 3, key(set), instances, version(set), encode(member), instance, Date.now(), set)
      }
      await pipeline.exec().catch(() => {})
    },
  }
}
