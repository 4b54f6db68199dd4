import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../../server/core/config.ts'

const production = {
  NODE_ENV: 'production',
  AWS_REGION: 'eu-west-1',
  USER_TABLE: 'users-t',
  MESSAGE_TABLE: 'messages-t',
  ROOM_TABLE: 'rooms-t',
  ROOM_DIRECTORY_TABLE: 'room-directory-t',
  SESSION_TABLE: 'sessions-t',
  MESSAGE_CHANGE_TABLE: 'message-changes-t',
  THREAD_TABLE: 'threads-t',
  MEMBERSHIP_TABLE: 'memberships-t',
  PEOPLE_TABLE: 'people-t',
  SEARCH_TABLE: 'search-t',
  UPLOAD_BUCKET: 'uploads-t',
  NUXT_SESSION_PASSWORD: 'x'.repeat(32),
  PUBLIC_ORIGIN: 'https://chat.example.com',
}

describe('configuration', () => {
  it('refuses to run in production without its required variables, naming each', () => {
    try {
      loadConfig({ NODE_ENV: 'production' })
      expect.unreachable()
    }
    catch (error) {
      expect(error).toBeInstanceOf(ConfigError)
      const message = (error as Error).message
      for (const name of ['AWS_REGION', 'USER_TABLE', 'MESSAGE_TABLE', 'ROOM_TABLE', 'ROOM_DIRECTORY_TABLE', 'SESSION_TABLE', 'MEMBERSHIP_TABLE', 'PEOPLE_TABLE', 'SEARCH_TABLE', 'UPLOAD_BUCKET', 'MESSAGE_CHANGE_TABLE', 'THREAD_TABLE', 'NUXT_SESSION_PASSWORD', 'PUBLIC_ORIGIN']) expect(message).toContain(name)
    }
  })

  it('names every invalid value at once', () => {
    const attempt = () => loadConfig({ ...production, NUXT_SESSION_PASSWORD: 'short', PORT: 'eighty', REDIS_URL: 'localhost:6379', DYNAMODB_ENDPOINT: 'not a url' })
    expect(attempt).toThrow(/NUXT_SESSION_PASSWORD must be at least 32 characters/)
    expect(attempt).toThrow(/PORT must be a number/)
    expect(attempt).toThrow(/REDIS_URL must start with redis:\/\//)
    expect(attempt).toThrow(/DYNAMODB_ENDPOINT must be a URL/)
  })

  it('reads a complete production environment', () => {
    const config = loadConfig({ ...production, REDIS_URL: 'redis://cache:6379', TRUST_PROXY: 'true', PUBLIC_ORIGIN: 'https://Chat.example.com/', ALLOWED_ORIGINS: 'https://a.example/, https://b.example' })
    expect(config).toMatchObject({
      production: true,
      port: 3000,
      awsRegion: 'eu-west-1',
      dynamodbEndpoint: undefined,
      tables: { users: 'users-t', messages: 'messages-t', rooms: 'rooms-t', sessions: 'sessions-t', search: 'search-t' },
      searchIndex: true,
      redisUrl: 'redis://cache:6379',
      trustProxy: 'load-balancer',
      publicOrigin: 'https://chat.example.com',
      allowedOrigins: ['https://a.example', 'https://b.example'],
      defaultRooms: ['general', 'fargate', 'lambda', 'ecs'],
    })
  })

  it('refuses the link previews\' test-only address allowance in production, and reads it elsewhere', () => {
    expect(() => loadConfig({ ...production, LINK_PREVIEW_TEST_ALLOW_ADDRESSES: '127.0.0.1' })).toThrow(/LINK_PREVIEW_TEST_ALLOW_ADDRESSES is for tests only and refused in production/)
    expect(loadConfig({ ...production }).linkPreviews).toEqual({ enabled: true, timeoutMs: 4000, maxPageBytes: 512 * 1024, maxImageBytes: 2048 * 1024, perMessage: 3, cacheSeconds: 3600, testAllowAddresses: [] })
    expect(loadConfig({ NODE_ENV: 'test', DATA_DIR: '/tmp/fargate-chat-vitest-data', LINK_PREVIEW_TEST_ALLOW_ADDRESSES: '127.0.0.1, ::1' }).linkPreviews.testAllowAddresses).toEqual(['127.0.0.1', '::1'])
    expect(loadConfig({ ...production, LINK_PREVIEWS: 'off' }).linkPreviews.enabled).toBe(false)
    expect(() => loadConfig({ ...production, LINK_PREVIEW_TIMEOUT_MS: '60000' })).toThrow(/LINK_PREVIEW_TIMEOUT_MS must be at most 30000/)
  })

  it('shows people away after 10 idle minutes unless told otherwise, from 1 second to a day', () => {
    expect(loadConfig({ ...production }).awayAfterMs).toBe(600_000)
    expect(loadConfig({ ...production, AWAY_AFTER_SECONDS: '1' }).awayAfterMs).toBe(1000)
    expect(() => loadConfig({ ...production, AWAY_AFTER_SECONDS: '0' })).toThrow(/AWAY_AFTER_SECONDS must be positive/)
    expect(() => loadConfig({ ...production, AWAY_AFTER_SECONDS: '90000' })).toThrow(/AWAY_AFTER_SECONDS must be at most 86400/)
  })

  it('names the trusted proxy chain: none, the load balancer alone, or CloudFront in front of it', () => {
    expect(loadConfig({ ...production }).trustProxy).toBe(false)
    expect(loadConfig({ ...production, TRUST_PROXY: 'false' }).trustProxy).toBe(false)
    expect(loadConfig({ ...production, TRUST_PROXY: '1' }).trustProxy).toBe('load-balancer')
    expect(loadConfig({ ...production, TRUST_PROXY: 'cloudfront' }).trustProxy).toBe('cloudfront')
    expect(() => loadConfig({ ...production, TRUST_PROXY: 'yes' })).toThrow(/TRUST_PROXY must be true, false or cloudfront/)
  })

  it('has working defaults in development, with a generated session secret kept on disk', () => {
    const first = loadConfig({ DATA_DIR: '/tmp/fargate-chat-config-test' })
    const second = loadConfig({ DATA_DIR: '/tmp/fargate-chat-config-test' })
    expect(first.production).toBe(false)
    expect(first.sessionPassword).toHaveLength(64)
    expect(second.sessionPassword).toBe(first.sessionPassword)
  })
})
