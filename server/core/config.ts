import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { z } from 'zod'
import { ROOM_ID_PATTERN } from '../../shared/schemas/limits.ts'
import type { TrustedProxy } from './request-info.ts'

/** Everything the server reads from its environment, validated in one place. */
export interface AppConfig {
  production: boolean
  port: number
  awsRegion: string
  /** Unset in AWS; set for dynalite or another DynamoDB-compatible server. */
  dynamodbEndpoint: string | undefined
  tables: { users: string, messages: string, rooms: string, roomDirectory: string, sessions: string, memberships: string, people: string, search: string, messageChanges: string, threads: string }
  /** Whether sends write the search index (SEARCH_INDEX=off turns indexing and search off). */
  searchIndex: boolean
  /** How long a stored message may wait to be written to the index with others (SEARCH_INDEX_DELAY_MS); it is findable meanwhile. */
  searchIndexDelayMs: number
  /** After this long without a heartbeat a process's unfinished indexing is taken over (SEARCH_INDEX_TAKEOVER_SECONDS). */
  searchIndexTakeoverMs: number
  redisUrl: string | undefined
  /**
   * How instances relay through Redis: 'sharded' (Redis 7 sharded pub/sub, one channel per room,
   * so an instance receives only the rooms its sockets are in) or 'classic' (one channel that every
   * instance reads, for Redis servers without sharded pub/sub).
   */
  redisAdapter: 'sharded' | 'classic'
  /**
   * Files sent with messages: the S3 bucket, its endpoint (unset in AWS; the embedded s3rver locally
   * when unset outside production), the size limit, and the most pixels an image may have (a small
   * file can decode to gigabytes: each reader's browser would decode it).
   */
  uploads: { bucket: string, endpoint: string | undefined, maxBytes: number, maxImagePixels: number }
  sessionPassword: string
  sessionMaxAgeSeconds: number
  /** The proxy chain in front of the app whose headers are trusted; false: none. */
  trustProxy: false | TrustedProxy
  /**
   * The app's public origin (PUBLIC_ORIGIN, e.g. https://chat.example.com): what browsers' Origin
   * is compared with. Required in production; unset in development, the origin the request itself
   * names (its Host header) stands in.
   */
  publicOrigin: string | undefined
  /** Extra origins allowed besides the app's own (comma-separated in ALLOWED_ORIGINS). */
  allowedOrigins: string[]
  defaultRooms: string[]
  /** Usernames that moderate every room (comma-separated in ADMINS). */
  admins: string[]
  /** How long after sending its author may edit a message. */
  editWindowHours: number
  /** Someone shows away once none of their tabs has seen activity (pointer, keys, focus) for this long. */
  awayAfterMs: number
  /**
   * Link previews: the server reads a shared link's Open Graph card after the message is stored.
   * Each read is bounded in time and bytes, a message gets at most `perMessage`, results are cached
   * per URL for `cacheSeconds`. `testAllowAddresses` lets the tests' page server on 127.0.0.1
   * through the address filter; the configuration refuses it in production.
   */
  linkPreviews: { enabled: boolean, timeoutMs: number, maxPageBytes: number, maxImageBytes: number, perMessage: number, cacheSeconds: number, testAllowAddresses: string[] }
  dataDir: string
  logLevel: 'debug' | 'info' | 'warn' | 'error'
  limits: {
    /** Loose, from any address, with back-off past it. */
    loginFailuresPerUser: number
    /** Tight: one address guessing one account's password. */
    loginFailuresPerUserAddress: number
    loginFailuresPerAddress: number
    loginWindowSeconds: number
    messageBurst: number
    messagesPerSecond: number
    /** Per client address. */
    registrationsPerHour: number
    guestsPerHour: number
    /** Rooms one registered user may create per hour (guests create none). */
    roomsPerHour: number
    /** Upload grants one user may ask for per hour (each file is one, sent or not). */
    uploadsPerHour: number
    /**
     * DynamoDB write units a second that one room's messages may take (sends and edits, by item
     * size): below the 1,000 a partition takes, since the Messages table's partition is the room.
     */
    roomWriteUnitsPerSecond: number
    /** Link previews one person's messages may read from the web per hour (cached links are free). */
    linkPreviewsPerHour: number
  }
}

const positiveInt = z.coerce.number({ error: 'must be a number' }).int('must be a whole number').positive('must be positive')
const tableName = z.string().regex(/^[a-zA-Z0-9_.-]{3,255}$/, 'must be 3–255 characters of letters, digits, _ . -')

// In production every one of these must be set explicitly; in development they have defaults.
export const REQUIRED_IN_PRODUCTION = ['AWS_REGION', 'USER_TABLE', 'MESSAGE_TABLE', 'ROOM_TABLE', 'ROOM_DIRECTORY_TABLE', 'SESSION_TABLE', 'MEMBERSHIP_TABLE', 'PEOPLE_TABLE', 'SEARCH_TABLE', 'UPLOAD_BUCKET', 'MESSAGE_CHANGE_TABLE', 'THREAD_TABLE', 'NUXT_SESSION_PASSWORD', 'PUBLIC_ORIGIN'] as const

const envSchema = z.object({
  NODE_ENV: z.string().optional(),
  PORT: positiveInt.max(65535).default(3000),
  AWS_REGION: z.string().min(1).default('us-east-1'),
  DYNAMODB_ENDPOINT: z.url('must be a URL such as http://127.0.0.1:8000').optional(),
  USER_TABLE: tableName.default('fargate-chat-users'),
  MESSAGE_TABLE: tableName.default('fargate-chat-messages'),
  ROOM_TABLE: tableName.default('fargate-chat-rooms'),
  ROOM_DIRECTORY_TABLE: tableName.default('fargate-chat-room-directory'),
  SESSION_TABLE: tableName.default('fargate-chat-sessions'),
  MEMBERSHIP_TABLE: tableName.default('fargate-chat-memberships'),
  PEOPLE_TABLE: tableName.default('fargate-chat-people'),
  UPLOAD_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name (3–63 lower-case letters, digits, . and -)').default('fargate-chat-uploads'),
  S3_ENDPOINT: z.url('must be a URL such as http://127.0.0.1:4568').optional(),
  MAX_UPLOAD_MB: positiveInt.max(5000).default(10),
  MAX_IMAGE_PIXELS: positiveInt.default(40_000_000),
  SEARCH_TABLE: tableName.default('fargate-chat-search'),
  SEARCH_INDEX: z.enum(['on', 'off'], 'must be on or off').default('on'),
  SEARCH_INDEX_DELAY_MS: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(0, 'must be 0 or more').max(600_000, 'must be at most 600000').default(300_000),
  SEARCH_INDEX_TAKEOVER_SECONDS: z.coerce.number({ error: 'must be a number' }).min(1, 'must be at least 1').max(3600, 'must be at most 3600').default(30),
  MESSAGE_CHANGE_TABLE: tableName.default('fargate-chat-message-changes'),
  THREAD_TABLE: tableName.default('fargate-chat-threads'),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://').optional(),
  REDIS_ADAPTER: z.enum(['sharded', 'classic'], 'must be sharded or classic').default('sharded'),
  NUXT_SESSION_PASSWORD: z.string().min(32, 'must be at least 32 characters').optional(),
  SESSION_MAX_AGE_DAYS: positiveInt.max(365).default(30),
  // true: a load balancer (X-Forwarded-For/-Proto); cloudfront: CloudFront, then the load balancer.
  TRUST_PROXY: z.enum(['true', 'false', '1', '0', 'cloudfront'], 'must be true, false or cloudfront')
    .transform((v): false | TrustedProxy => v === 'cloudfront' ? 'cloudfront' : v === 'true' || v === '1' ? 'load-balancer' : false)
    .default(false),
  PUBLIC_ORIGIN: z.url('must be the address browsers use, such as https://chat.example.com').transform(v => new URL(v).origin).optional(),
  ALLOWED_ORIGINS: z.string().default(''),
  DEFAULT_ROOMS: z.string().refine(v => v.split(',').every(id => ROOM_ID_PATTERN.test(id)), 'must be comma-separated room ids').default('general,fargate,lambda,ecs'),
  ADMINS: z.string().default(''),
  EDIT_WINDOW_HOURS: z.coerce.number({ error: 'must be a number' }).positive('must be positive').default(24),
  AWAY_AFTER_SECONDS: positiveInt.max(86_400, 'must be at most 86400').default(600),
  DATA_DIR: z.string().default('.data'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  LOGIN_FAILURES_PER_USER: positiveInt.default(10),
  LOGIN_FAILURES_PER_USER_ADDRESS: positiveInt.default(5),
  LOGIN_FAILURES_PER_ADDRESS: positiveInt.default(30),
  LOGIN_WINDOW_SECONDS: positiveInt.default(900),
  MESSAGE_BURST: positiveInt.default(10),
  MESSAGES_PER_SECOND: z.coerce.number().positive().default(5),
  REGISTRATIONS_PER_HOUR: positiveInt.default(10),
  GUESTS_PER_HOUR: positiveInt.default(60),
  ROOMS_PER_HOUR: positiveInt.default(5),
  UPLOADS_PER_HOUR: positiveInt.default(200),
  ROOM_WRITE_UNITS_PER_SECOND: positiveInt.default(800),
  LINK_PREVIEWS: z.enum(['on', 'off'], 'must be on or off').default('on'),
  LINK_PREVIEW_TIMEOUT_MS: positiveInt.max(30_000, 'must be at most 30000').default(4000),
  LINK_PREVIEW_MAX_KB: positiveInt.max(4096, 'must be at most 4096').default(512),
  LINK_PREVIEW_IMAGE_MAX_KB: positiveInt.max(16_384, 'must be at most 16384').default(2048),
  LINK_PREVIEWS_PER_MESSAGE: positiveInt.max(10, 'must be at most 10').default(3),
  LINK_PREVIEWS_PER_HOUR: positiveInt.default(60),
  LINK_PREVIEW_CACHE_SECONDS: positiveInt.default(3600),
  // Tests only (their page server listens on loopback): addresses or CIDRs let through the filter.
  LINK_PREVIEW_TEST_ALLOW_ADDRESSES: z.string().optional(),
})

/** Every variable the server reads (the infrastructure tests check the task sets only these). */
export const CONFIG_VARIABLES = Object.keys(envSchema.shape) as (keyof typeof envSchema.shape)[]
export const DEFAULT_PORT = envSchema.shape.PORT.parse(undefined)

export class ConfigError extends Error {
  readonly problems: string[]
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map(p => `  - ${p}`).join('\n')}`)
    this.problems = problems
    this.name = 'ConfigError'
  }
}

/** Reads and validates the configuration; throws a ConfigError naming every problem at once. */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  // Empty strings count as unset, as in most .env files.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''))
  const production = cleaned.NODE_ENV === 'production'
  const problems: string[] = []
  if (production) {
    for (const name of REQUIRED_IN_PRODUCTION) {
      if (!cleaned[name]) problems.push(`${name} is required in production`)
    }
  }
  const parsed = envSchema.safeParse(cleaned)
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${issue.path.join('.')} ${issue.message}`)
  }
  // The address filter is what keeps previews off the VPC, the metadata service and loopback.
  if (production && cleaned.LINK_PREVIEW_TEST_ALLOW_ADDRESSES) problems.push('LINK_PREVIEW_TEST_ALLOW_ADDRESSES is for tests only and refused in production')
  if (problems.length || !parsed.success) throw new ConfigError(problems)

  const e = parsed.data
  const dataDir = resolve(e.DATA_DIR)
  return {
    production,
    port: e.PORT,
    awsRegion: e.AWS_REGION,
    dynamodbEndpoint: e.DYNAMODB_ENDPOINT,
    tables: { users: e.USER_TABLE, messages: e.MESSAGE_TABLE, rooms: e.ROOM_TABLE, roomDirectory: e.ROOM_DIRECTORY_TABLE, sessions: e.SESSION_TABLE, memberships: e.MEMBERSHIP_TABLE, people: e.PEOPLE_TABLE, search: e.SEARCH_TABLE, messageChanges: e.MESSAGE_CHANGE_TABLE, threads: e.THREAD_TABLE },
    searchIndex: e.SEARCH_INDEX === 'on',
    searchIndexDelayMs: e.SEARCH_INDEX_DELAY_MS,
    searchIndexTakeoverMs: e.SEARCH_INDEX_TAKEOVER_SECONDS * 1000,
    redisUrl: e.REDIS_URL,
    redisAdapter: e.REDIS_ADAPTER,
    uploads: { bucket: e.UPLOAD_BUCKET, endpoint: e.S3_ENDPOINT, maxBytes: e.MAX_UPLOAD_MB * 1024 * 1024, maxImagePixels: e.MAX_IMAGE_PIXELS },
    sessionPassword: e.NUXT_SESSION_PASSWORD ?? developmentSessionPassword(dataDir),
    sessionMaxAgeSeconds: e.SESSION_MAX_AGE_DAYS * 86400,
    trustProxy: e.TRUST_PROXY,
    publicOrigin: e.PUBLIC_ORIGIN,
    allowedOrigins: e.ALLOWED_ORIGINS.split(',').map(o => o.trim().replace(/\/$/, '')).filter(Boolean),
    defaultRooms: e.DEFAULT_ROOMS.split(','),
    admins: e.ADMINS.split(',').map(name => name.trim().toLowerCase()).filter(Boolean),
    editWindowHours: e.EDIT_WINDOW_HOURS,
    awayAfterMs: e.AWAY_AFTER_SECONDS * 1000,
    linkPreviews: {
      enabled: e.LINK_PREVIEWS === 'on',
      timeoutMs: e.LINK_PREVIEW_TIMEOUT_MS,
      maxPageBytes: e.LINK_PREVIEW_MAX_KB * 1024,
      maxImageBytes: e.LINK_PREVIEW_IMAGE_MAX_KB * 1024,
      perMessage: e.LINK_PREVIEWS_PER_MESSAGE,
      cacheSeconds: e.LINK_PREVIEW_CACHE_SECONDS,
      testAllowAddresses: (e.LINK_PREVIEW_TEST_ALLOW_ADDRESSES ?? '').split(',').map(a => a.trim()).filter(Boolean),
    },
    dataDir,
    logLevel: e.LOG_LEVEL,
    limits: {
      loginFailuresPerUser: e.LOGIN_FAILURES_PER_USER,
      loginFailuresPerUserAddress: e.LOGIN_FAILURES_PER_USER_ADDRESS,
      loginFailuresPerAddress: e.LOGIN_FAILURES_PER_ADDRESS,
      loginWindowSeconds: e.LOGIN_WINDOW_SECONDS,
      messageBurst: e.MESSAGE_BURST,
      messagesPerSecond: e.MESSAGES_PER_SECOND,
      registrationsPerHour: e.REGISTRATIONS_PER_HOUR,
      guestsPerHour: e.GUESTS_PER_HOUR,
      roomsPerHour: e.ROOMS_PER_HOUR,
      uploadsPerHour: e.UPLOADS_PER_HOUR,
      roomWriteUnitsPerSecond: e.ROOM_WRITE_UNITS_PER_SECOND,
      linkPreviewsPerHour: e.LINK_PREVIEWS_PER_HOUR,
    },
  }
}

/** Development only: a random secret kept under the data folder, so sessions survive restarts. */
function developmentSessionPassword(dataDir: string): string {
  const file = resolve(dataDir, 'session-password')
  try {
    return readFileSync(file, 'utf8').trim()
  }
  catch {
    const secret = randomBytes(32).toString('hex')
    mkdirSync(dirname(file), { recursive: true })
    writeFileSync(file, secret, { mode: 0o600 })
    return secret
  }
}

let cached: AppConfig | undefined

/** The process-wide configuration, read once. */
export function getServerConfig(): AppConfig {
  cached ??= loadConfig()
  return cached
}
