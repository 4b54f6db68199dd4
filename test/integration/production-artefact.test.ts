import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MessagePage } from '#shared/types/chat'
import type { WireMessage } from '#shared/types/socket'
import { Client } from '../support/http.ts'
import { ROOT, startApp, startDatabase, waitUntil } from '../support/processes.ts'
import { startRedis } from '../support/redis.ts'
import { call, closeAll, connect, waitFor } from '../support/sockets.ts'

// The image's runtime stage holds nothing but .output: run a copy of it far from the repository's
// node_modules, in production mode against dynalite and Redis, as the container runs it.
const dir = mkdtempSync(join(tmpdir(), 'fargate-chat-image-'))
let db: Awaited<ReturnType<typeof startDatabase>>
let redis: Awaited<ReturnType<typeof startRedis>>

beforeAll(async () => {
  cpSync(join(ROOT, '.output'), join(dir, '.output'), { recursive: true })
  ;[db, redis] = await Promise.all([startDatabase(), startRedis()])
})
afterAll(async () => {
  closeAll()
  redis?.stop()
  await db?.stop()
  rmSync(dir, { recursive: true, force: true })
})

const start = () => startApp({ dynamodbEndpoint: db.endpoint, redisUrl: redis.url, outputDir: join(dir, '.output'), env: { TRUST_PROXY: 'true', MESSAGE_BURST: '1000', MESSAGES_PER_SECOND: '1000' } })

describe('the production artefact, as the image runs it', () => {
  it('becomes ready, serves a room page with its history and relays messages', async () => {
    const app = await start()
    try {
      expect(await (await fetch(`${app.url}/api/health`)).json()).toMatchObject({ status: 'ok' })
      expect(await (await fetch(`${app.url}/api/ready`)).json()).toEqual({ status: 'ready', checks: { dynamodb: 'ok', redis: 'ok' } })

      const http = new Client(app.url)
      await http.post('/api/auth/guest')
      const sender = await connect(app.url, { cookie: http.cookieHeader })
      await waitFor(sender, 'login')
      const guest = new Client(app.url)
      await guest.post('/api/auth/guest')
      const reader = await connect(app.url, { cookie: guest.cookieHeader })
      await waitFor(reader, 'login')
      const relayed = waitFor<WireMessage>(reader, 'new message')
      const [err, sent] = await call<WireMessage>(sender, 'new message', { room: 'general', message: 'rendered on the server' })
      expect(err).toBeNull()
      expect(await relayed).toEqual(sent)

      const page = await http.get('/rooms/general')
      expect(page.status).toBe(200)
      expect(page.text).toContain('rendered on the server')
    }
    finally {
      expect(await app.stop('SIGTERM')).toBe(0)
    }
  })

  it('shuts down on SIGTERM within the stop timeout, losing no acknowledged message', async () => {
    const app = await start()
    const http = new Client(app.url)
    await http.post('/api/auth/guest')
    const sender = await connect(app.url, { cookie: http.cookieHeader })
    await waitFor(sender, 'login')

    const acked: WireMessage[] = []
    let stopped = false
    const sending = (async () => {
      for (let i = 0; !stopped && i < 10_000; i++) {
        const [err, message] = await call<WireMessage>(sender, 'new message', { room: 'ecs', message: `in flight ${i}` }).catch(() => ['closed', null] as const)
        if (err || !message) return
        acked.push(message)
      }
    })()
    await waitUntil(() => acked.length >= 20, 10_000)
    const disconnected = waitFor<string>(sender, 'disconnect', 30_000)
    const began = Date.now()
    const code = await app.stop('SIGTERM')
    stopped = true
    await sending
    expect(code).toBe(0)
    expect(Date.now() - began).toBeLessThan(30_000) // Fargate's stopTimeout in infra/chat-service.yml is 60 s
    expect(await disconnected).toBe('transport close') // a reason socket.io-client reconnects after

    // Another instance has every message the first one acknowledged.
    const next = await start()
    try {
      const reader = new Client(next.url)
      await reader.post('/api/auth/guest')
      const stored = new Set<string>()
      let cursor: string | null = acked[0]!.message
      stored.add(cursor)
      while (cursor) {
        const page: MessagePage = (await reader.get(`/api/rooms/ecs/messages?after=${cursor}&limit=100`)).json
        for (const m of page.messages) stored.add(m.id)
        cursor = page.next
      }
      expect(acked.filter(m => !stored.has(m.message))).toEqual([])
    }
    finally {
      await next.stop()
    }
  })
})
