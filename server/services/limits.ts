import type { Redis } from 'ioredis'
import { BurstyRateLimiter, RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible'
import type { AppConfig } from '../core/config.ts'
import { TooManyRequestsError } from '../core/errors.ts'
import { metrics } from '../core/metrics.ts'

/**
 * Every abuse limit of the app, built once by services.ts. With Redis they hold across
 * instances (atomic increments in Redis); while Redis is away each instance falls back to an
 * in-memory limiter of the same shape, so limits keep holding per instance through an outage.
 */
export interface Limiters {
  signIn: SignInLimiter
  /** One token per message sent: a burst, then a steady rate. */
  send: (username: string) => Promise<void>
  /** New accounts per client address. */
  register: (address: string) => Promise<void>
  /** New guest identities per client address. */
  guest: (address: string) => Promise<void>
  /** Room creation per registered user, refunded when no room was created. */
  roomCreation: RefundableLimit
  /** `@room` mentions per user (each notifies a whole room). */
  roomMention: (username: string) => Promise<void>
  /**
   * Whether a mention of `recipient` by `sender` in `room` counts (raises their badge there,
   * notifies them): true for the first few in a window, false past them (folded into those).
   */
  mention: (room: string, sender: string, recipient: string) => Promise<boolean>
  /** Upload grants per user: files that were never sent still took space in the bucket for a day. */
  upload: (username: string) => Promise<void>
  /** Write units a room's messages take a second (its DynamoDB partition's ceiling, below AWS's). */
  roomWrites: (room: string, units: number) => Promise<void>
  /**
   * Whether one more link of `username`'s messages may be read from the web this hour (false past
   * the allowance: the message simply shows no card; nobody is refused anything).
   */
  linkPreview: (username: string) => Promise<boolean>
  /** Changes of one's status or display name, each told to every signed-in tab; refunded when refused. */
  personUpdate: RefundableLimit
}

/** A limit taken before an action and given back when the action turned out not to happen. */
interface RefundableLimit {
  take: (key: string) => Promise<void>
  refund: (key: string) => Promise<void>
}

/** A limit refused someone: counted for the operators (a burst of refusals is an attack or a bug). */
function refusal(what: string, retryAfterSeconds: number): TooManyRequestsError {
  metrics.count('RateLimitRefusals')
  return new TooManyRequestsError(what, retryAfterSeconds)
}

type LimiterOptions = { keyPrefix: string, points: number, duration: number }

function limiter(redis: Redis | null, options: LimiterOptions): RateLimiterAbstract {
  const memory = new RateLimiterMemory(options)
  if (!redis) return memory
  return new RateLimiterRedis({
    ...options,
    keyPrefix: `fc:limit:${options.keyPrefix}`,
    storeClient: redis,
    // Fall back to memory at once rather than wait for ioredis's retries on every request.
    rejectIfRedisNotReady: true,
    insuranceLimiter: memory,
  })
}

/** Consumes a point: null when allowed, else the limiter's answer (how long to wait). */
async function take(from: Pick<RateLimiterAbstract, 'consume'>, key: string): Promise<RateLimiterRes | null> {
  try {
    await from.consume(key)
    return null
  }
  catch (rejection) {
    if (rejection instanceof RateLimiterRes) return rejection
    throw rejection
  }
}

const seconds = (res: RateLimiterRes) => Math.max(1, Math.ceil(res.msBeforeNext / 1000))

/**
 * Password sign-in attempts. Each attempt is taken before the password is checked (atomically,
 * so concurrent attempts cannot all slip through) and refunded when it succeeds:
 * - per (username, address), tightly: one attacker gets a few guesses per window;
 * - per address: one address spraying many usernames;
 * - per username from anywhere, loosely and with back-off: past the free attempts the account
 *   waits 1, 2, 4, 8… minutes (at most the window), instead of the owner being locked out for
 *   the whole window by anyone who knows their name.
 */
export class SignInLimiter {
  readonly #userAddress: RateLimiterAbstract
  readonly #address: RateLimiterAbstract
  readonly #user: RateLimiterAbstract
  readonly #strikes: RateLimiterAbstract
  readonly #window: number

  constructor(redis: Redis | null, limits: AppConfig['limits']) {
    this.#window = limits.loginWindowSeconds
    this.#userAddress = limiter(redis, { keyPrefix: 'login-ua', points: limits.loginFailuresPerUserAddress, duration: this.#window })
    this.#address = limiter(redis, { keyPrefix: 'login-addr', points: limits.loginFailuresPerAddress, duration: this.#window })
    this.#user = limiter(redis, { keyPrefix: 'login-user', points: limits.loginFailuresPerUser, duration: this.#window })
    this.#strikes = limiter(redis, { keyPrefix: 'login-strikes', points: 1_000_000, duration: 86_400 })
  }

  /** Takes one attempt or throws a 429; call `refund` with the same arguments when it succeeds. */
  async reserve(username: string, address: string): Promise<void> {
    const taken: [RateLimiterAbstract, string][] = []
    const steps: [RateLimiterAbstract, string][] = [[this.#userAddress, `${username}|${address}`], [this.#address, address], [this.#user, username]]
    for (const [from, key] of steps) {
      const refused = await take(from, key)
      if (!refused) {
        taken.push([from, key])
        continue
      }
      await Promise.all(taken.map(([l, k]) => l.reward(k)))
      let wait = seconds(refused)
      // The first refusal of a username starts its back-off; later ones wait for it to end.
      if (from === this.#user && refused.consumedPoints === from.points + 1) {
        const strike = await this.#strikes.penalty(username)
        wait = Math.min(this.#window, 60 * 2 ** (strike.consumedPoints - 1))
        await this.#user.block(username, wait)
      }
      throw refusal('Too many sign-in attempts.', wait)
    }
  }

  async refund(username: string, address: string): Promise<void> {
    await Promise.all([
      this.#userAddress.reward(`${username}|${address}`),
      this.#address.reward(address),
      this.#user.reward(username),
    ])
  }
}

/**
 * Sending: `perSecond` tokens a second, plus a burst pool so that `burst` messages can go at once.
 * (rate-limiter-flexible's BurstyRateLimiter: the main limiter first, the burst pool past it.)
 */
function sendLimiter(redis: Redis | null, burst: number, perSecond: number): (username: string) => Promise<void> {
  const duration = Math.max(1, Math.ceil(1 / perSecond))
  const points = Math.max(1, Math.round(perSecond * duration))
  const extra = Math.max(0, burst - points)
  const main = limiter(redis, { keyPrefix: 'send', points, duration })
  const limited = extra > 0
    ? new BurstyRateLimiter(main, limiter(redis, { keyPrefix: 'send-burst', points: extra, duration: Math.max(duration, Math.ceil(burst / perSecond)) }))
    : main
  return async (username) => {
    const refused = await take(limited, username)
    if (refused) throw refusal('You are sending messages too fast.', seconds(refused))
  }
}

/** A plain per-hour allowance, refused with `what` and the wait in words. */
function hourly(redis: Redis | null, keyPrefix: string, points: number, what: string): (key: string) => Promise<void> {
  const from = limiter(redis, { keyPrefix, points, duration: 3600 })
  return async (key) => {
    const refused = await take(from, key)
    if (refused) throw refusal(what, seconds(refused))
  }
}

/** `perHour` per person, given back by `refund` when what it was taken for did not happen. */
function refundableHourly(redis: Redis | null, keyPrefix: string, perHour: number, what: string): RefundableLimit {
  const perUser = limiter(redis, { keyPrefix, points: perHour, duration: 3600 })
  return {
    async take(username) {
      const refused = await take(perUser, username)
      if (refused) throw refusal(what, seconds(refused))
    },
    async refund(username) {
      await perUser.reward(username)
    },
  }
}

const ROOM_MENTIONS_PER_HOUR = 10
/** Status and display-name changes per person: a human sets a few a day; each reaches every signed-in tab. */
const PERSON_UPDATES_PER_HOUR = 30
/** Mentions of one person by one sender in one room that count within the window; more are folded into them. */
const MENTIONS_PER_PERSON = 3
const MENTION_WINDOW_SECONDS = 600

function mentionLimiter(redis: Redis | null): Limiters['mention'] {
  const perPair = limiter(redis, { keyPrefix: 'mention', points: MENTIONS_PER_PERSON, duration: MENTION_WINDOW_SECONDS })
  return async (room, sender, recipient) => {
    if (!await take(perPair, `${room}|${sender}|${recipient}`)) return true
    metrics.count('RateLimitRefusals')
    return false
  }
}

/** A room's writes: `perSecond` units a second, each write taking as many as its item's size in KB. */
function roomWriteLimiter(redis: Redis | null, perSecond: number): (room: string, units: number) => Promise<void> {
  const from = limiter(redis, { keyPrefix: 'room-writes', points: perSecond, duration: 1 })
  return async (room, units) => {
    try {
      await from.consume(room, Math.min(units, perSecond))
    }
    catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection
      throw refusal(`#${room} is taking more messages than it can store right now.`, seconds(rejection))
    }
  }
}

/** A per-hour allowance that answers whether to go on instead of refusing (background work). */
function hourlyAllowance(redis: Redis | null, keyPrefix: string, points: number): (key: string) => Promise<boolean> {
  const from = limiter(redis, { keyPrefix, points, duration: 3600 })
  return async (key) => {
    if (!await take(from, key)) return true
    metrics.count('RateLimitRefusals')
    return false
  }
}

export function createLimiters(redis: Redis | null, limits: AppConfig['limits']): Limiters {
  return {
    signIn: new SignInLimiter(redis, limits),
    send: sendLimiter(redis, limits.messageBurst, limits.messagesPerSecond),
    register: hourly(redis, 'register', limits.registrationsPerHour, 'Too many new accounts from your network.'),
    guest: hourly(redis, 'guest', limits.guestsPerHour, 'Too many guests from your network.'),
    roomCreation: refundableHourly(redis, 'room-create', limits.roomsPerHour, `You can create ${limits.roomsPerHour} ${limits.roomsPerHour === 1 ? 'room' : 'rooms'} an hour.`),
    roomMention: hourly(redis, 'room-mention', ROOM_MENTIONS_PER_HOUR, `You can notify a whole room ${ROOM_MENTIONS_PER_HOUR} times an hour.`),
    mention: mentionLimiter(redis),
    upload: hourly(redis, 'upload', limits.uploadsPerHour, `You can upload ${limits.uploadsPerHour} files an hour.`),
    roomWrites: roomWriteLimiter(redis, limits.roomWriteUnitsPerSecond),
    linkPreview: hourlyAllowance(redis, 'link-preview', limits.linkPreviewsPerHour),
    personUpdate: refundableHourly(redis, 'person-update', PERSON_UPDATES_PER_HOUR, `You can change your status or name ${PERSON_UPDATES_PER_HOUR} times an hour.`),
  }
}
