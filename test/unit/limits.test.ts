import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeWait, TooManyRequestsError } from '../../server/core/errors.ts'
import { createLimiters } from '../../server/services/limits.ts'
import type { AppConfig } from '../../server/core/config.ts'
import { startRedis, type RunningRedis } from '../support/redis.ts'

const LIMITS: AppConfig['limits'] = {
  loginFailuresPerUser: 6,
  loginFailuresPerUserAddress: 3,
  loginFailuresPerAddress: 20,
  loginWindowSeconds: 900,
  messageBurst: 10,
  messagesPerSecond: 5,
  registrationsPerHour: 10,
  guestsPerHour: 60,
  roomsPerHour: 2,
  uploadsPerHour: 3,
  roomWriteUnitsPerSecond: 800,
  linkPreviewsPerHour: 3,
}

let redisServer: RunningRedis
let redis: Redis
let counter = 0
const unique = (prefix: string) => `${prefix}${Date.now().toString(36)}${counter++}`

beforeAll(async () => {
  redisServer = await startRedis()
  redis = new Redis(redisServer.url)
})

afterAll(async () => {
  redis?.disconnect()
  await redisServer?.stop()
})

async function outcomes(attempts: Promise<unknown>[]) {
  const settled = await Promise.allSettled(attempts)
  return {
    allowed: settled.filter(s => s.status === 'fulfilled').length,
    refused: settled.flatMap(s => s.status === 'rejected' ? [s.reason as Error] : []),
  }
}

describe.each([
  ['in memory', () => null],
  ['in Redis', () => redis],
])('sign-in limits %s', (_, store) => {
  it('let exactly as many concurrent attempts through as the per-address limit allows', async () => {
    const { signIn } = createLimiters(store(), LIMITS)
    const user = unique('victim')
    const { allowed, refused } = await outcomes(Array.from({ length: 60 }, () => signIn.reserve(user, '203.0.113.9')))
    expect(allowed).toBe(3)
    expect(refused).toHaveLength(57)
    expect(refused.every(error => error instanceof TooManyRequestsError && error.status === 429)).toBe(true)
  })

  it('give a successful attempt back, so the owner signing in often is never limited', async () => {
    const { signIn } = createLimiters(store(), LIMITS)
    const user = unique('owner')
    for (let i = 0; i < 10; i++) {
      await signIn.reserve(user, '198.51.100.1')
      await signIn.refund(user, '198.51.100.1')
    }
    await expect(signIn.reserve(user, '198.51.100.1')).resolves.toBeUndefined()
  })

  it('back an attacked username off for a minute in words, instead of locking it for the window', async () => {
    const { signIn } = createLimiters(store(), LIMITS)
    const user = unique('target')
    // Six attempts from six addresses use up the username's free attempts.
    for (let i = 0; i < 6; i++) await signIn.reserve(user, `192.0.2.${i}`)
    const refusal = await signIn.reserve(user, '192.0.2.200').catch((error: unknown) => error)
    expect(refusal).toBeInstanceOf(TooManyRequestsError)
    expect((refusal as TooManyRequestsError).message).toBe('Too many sign-in attempts. Try again in 1 minute.')
    expect((refusal as TooManyRequestsError).retryAfter).toBe(60)
  })
})

describe('send limits', () => {
  it.each([
    ['in memory', () => null],
    ['in Redis', () => redis],
  ])('allow a burst of ten messages, then refuse with a clear sentence (%s)', async (_, store) => {
    const { send } = createLimiters(store(), LIMITS)
    const user = unique('sender')
    const { allowed, refused } = await outcomes(Array.from({ length: 14 }, () => send(user)))
    expect(allowed).toBe(10)
    expect(refused[0]!.message).toBe('You are sending messages too fast. Try again in 1 second.')
  })

  it('keep limiting in memory while Redis is unreachable', async () => {
    const offline = new Redis('redis://127.0.0.1:1', { lazyConnect: true, maxRetriesPerRequest: 0 })
    const { send } = createLimiters(offline, LIMITS)
    const { allowed } = await outcomes(Array.from({ length: 14 }, () => send(unique('offline'))))
    expect(allowed).toBe(14)
    const user = unique('offline-burst')
    const burst = await outcomes(Array.from({ length: 14 }, () => send(user)))
    expect(burst.allowed).toBe(10)
    offline.disconnect()
  })
})

describe('room creation limits', () => {
  it.each([
    ['in memory', () => null],
    ['in Redis', () => redis],
  ])('allow the hourly number of rooms, give back refunded ones, then refuse in words (%s)', async (_, store) => {
    const { roomCreation } = createLimiters(store(), LIMITS)
    const user = unique('creator')
    await roomCreation.take(user)
    await roomCreation.take(user)
    await roomCreation.refund(user)
    await roomCreation.take(user)
    const refused = await roomCreation.take(user).catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(TooManyRequestsError)
    expect((refused as TooManyRequestsError).status).toBe(429)
    expect((refused as TooManyRequestsError).message).toBe('You can create 2 rooms an hour. Try again in 1 hour.')
  })
})

describe('link preview allowance', () => {
  it.each([
    ['in memory', () => null],
    ['in Redis', () => redis],
  ])('lets the hourly number of concurrent link reads go ahead and answers no past it, per person (%s)', async (_, store) => {
    const { linkPreview } = createLimiters(store(), LIMITS)
    const [alice, bob] = [unique('alice'), unique('bob')]
    const answers = await Promise.all(Array.from({ length: 5 }, () => linkPreview(alice)))
    expect(answers.filter(Boolean)).toHaveLength(3)
    expect(await linkPreview(bob)).toBe(true)
  })
})

describe('waits in words', () => {
  it.each([
    [1, '1 second'],
    [30, '30 seconds'],
    [60, '1 minute'],
    [61, '2 minutes'],
    [896, '15 minutes'],
    [3600, '1 hour'],
  ])('says %i s as "%s"', (seconds, words) => {
    expect(describeWait(seconds)).toBe(words)
  })
})
