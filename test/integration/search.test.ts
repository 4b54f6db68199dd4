import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb'
import type { WireMessage } from '#shared/types/socket'
import type { SearchPage } from '#shared/types/search'
import { Client } from '../support/http.ts'
import { startApp, startDatabase, waitUntil } from '../support/processes.ts'
import { startRedis } from '../support/redis.ts'
import { startTwoInstances, type TwoInstances } from '../support/cluster.ts'
import { call, closeAll, signedInGuest, type TestSocket } from '../support/sockets.ts'
import { guest, socketOf } from '../support/people.ts'

let cluster: TwoInstances
const env = { MESSAGE_BURST: '200', MESSAGES_PER_SECOND: '200' }

beforeAll(async () => {
  cluster = await startTwoInstances({ env })
})
afterEach(() => closeAll())
afterAll(async () => cluster?.stop())

async function send(socket: TestSocket, room: string, text: string): Promise<WireMessage> {
  const [err, message] = await call<WireMessage>(socket, 'new message', { room, message: text })
  if (err) throw new Error(err)
  return message
}

/** A signed-in reader on instance B, searching over HTTP as the browser does. */
async function readerOn(url: string): Promise<{ search: (q: string, extra?: string) => Promise<{ status: number, body: SearchPage & { message: string } }> }> {
  const http = new Client(url)
  await http.post('/api/auth/guest')
  return {
    async search(q, extra = '') {
      const response = await http.get(`/api/search?q=${encodeURIComponent(q)}${extra}`)
      return { status: response.status, body: response.json as unknown as SearchPage & { message: string } }
    },
  }
}

const texts = (page: SearchPage) => page.messages.map(m => m.content.text)
/** Messages are indexed shortly after they are acknowledged: a search's results, once they are `expected`. */
const eventually = (find: () => Promise<unknown>) => expect.poll(find, { timeout: 15_000, interval: 100 })

/** Whether the index (not a server's memory) holds a block for `term`. */
async function indexedUnder(endpoint: string, term: string): Promise<boolean> {
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }))
  try {
    const { Items } = await doc.send(new QueryCommand({ TableName: 'fargate-chat-search', KeyConditionExpression: '#key = :key', ExpressionAttributeNames: { '#key': 'key' }, ExpressionAttributeValues: { ':key': `t#${term}` }, Limit: 1 }))
    return !!Items?.length
  }
  finally {
    doc.destroy()
  }
}

describe('search across instances', () => {
  it('finds on one instance what was sent through the other, newest first, with the words to highlight', async () => {
    const { socket, username } = await signedInGuest(cluster.a.url)
    const first = await send(socket, 'general', 'The Fargate task restarted')
    await send(socket, 'ecs', 'nothing to see')
    const second = await send(socket, 'ecs', 'fargate spot saves money')
    const reader = await readerOn(cluster.b.url)
    await eventually(async () => (await reader.search('fargate ')).body.messages.map(m => m.id)).toEqual([second.message, first.message])
    const { status, body } = await reader.search('fargate ')
    expect(status).toBe(200)
    expect(body.messages[0]).toMatchObject({ room: 'ecs', username, content: { text: 'fargate spot saves money' }, highlights: ['fargate'], snippet: 'fargate spot saves money' })
    expect(body.next).toBeNull()
  })

  it('finds at once, on the other instance, a message its server holds for minutes before writing it to the index', async () => {
    const { socket } = await signedInGuest(cluster.a.url)
    const sent = await send(socket, 'general', 'a wombat in the server room')
    const reader = await readerOn(cluster.b.url)
    expect((await reader.search('wombat ')).body.messages.map(m => m.id)).toEqual([sent.message])
    expect((await reader.search('server wom')).body.messages.map(m => m.id)).toEqual([sent.message])
    expect(await indexedUnder(cluster.db.endpoint, 'wombat')).toBe(false)
  })

  it('matches the last word as a prefix, and every other word whole', async () => {
    const { socket } = await signedInGuest(cluster.a.url)
    await send(socket, 'general', 'Kubernetes migration planned')
    await send(socket, 'general', 'kubectl migration notes')
    const reader = await readerOn(cluster.b.url)
    await eventually(async () => texts((await reader.search('kub')).body)).toEqual(['kubectl migration notes', 'Kubernetes migration planned'])
    expect(texts((await reader.search('migration kuber')).body)).toEqual(['Kubernetes migration planned'])
    expect((await reader.search('migration kuber')).body.messages[0]!.highlights).toEqual(['kubernetes', 'migration'])
  })

  it('filters by author, room, link and date', async () => {
    const alice = await signedInGuest(cluster.a.url)
    const bob = await signedInGuest(cluster.b.url)
    await send(alice.socket, 'lambda', 'invoice from aws https://aws.example/invoice')
    await send(bob.socket, 'lambda', 'invoice paid')
    await send(bob.socket, 'general', 'invoice question')
    const reader = await readerOn(cluster.b.url)
    await eventually(async () => texts((await reader.search(`invoice from:@${bob.username}`)).body)).toEqual(['invoice question', 'invoice paid'])
    await eventually(async () => texts((await reader.search(`invoice from:@${alice.username}`)).body)).toHaveLength(1)
    expect(texts((await reader.search(`from:@${bob.username} in:#lambda`)).body)).toEqual(['invoice paid'])
    expect(texts((await reader.search('invoice has:link')).body)).toEqual(['invoice from aws https://aws.example/invoice'])
    expect(texts((await reader.search('invoice before:2000-01-01')).body)).toEqual([])
    expect(texts((await reader.search('invoice after:2000-01-01')).body)).toHaveLength(3)
    expect(texts((await reader.search('invoice in:#no-such-room')).body)).toEqual([])
  })

  it('pages back with before, newest first, without gaps or repeats', async () => {
    const { socket } = await signedInGuest(cluster.a.url)
    const sent: string[] = []
    for (let i = 0; i < 12; i++) sent.push((await send(socket, 'fargate', `paginated result ${i}`)).message)
    const reader = await readerOn(cluster.b.url)
    await eventually(async () => (await reader.search('paginated ', '&limit=50')).body.messages.length).toBe(12)
    const seen: string[] = []
    let cursor = ''
    for (let page = 0; page < 6; page++) {
      const { body } = await reader.search('paginated ', `&limit=5${cursor}`)
      seen.push(...body.messages.map(m => m.id))
      if (!body.next) break
      cursor = `&before=${encodeURIComponent(body.next)}`
    }
    expect(seen).toEqual(sent.reverse())
  })

  it('answers 400 naming the problem, and 401 to someone not signed in', async () => {
    const reader = await readerOn(cluster.b.url)
    expect(await reader.search('x before:2026-13-01')).toMatchObject({ status: 400, body: { message: 'q: before: needs a date like 2026-11-01' } })
    expect(await reader.search('in:#general')).toMatchObject({ status: 400, body: { message: expect.stringMatching(/^q: Type a word to search for/) } })
    expect(await reader.search('fargate', '&limit=500')).toMatchObject({ status: 400, body: { message: 'limit: Limit must be at most 50' } })
    expect((await new Client(cluster.b.url).get('/api/search?q=fargate')).status).toBe(401)
  })
})

describe('a server stopping', () => {
  it('indexes what it acknowledged and had not yet indexed before it exits', async () => {
    // It would wait a minute to index; others would take over its work only after 30 s.
    const stopping = await startApp({ dynamodbEndpoint: cluster.db.endpoint, redisUrl: cluster.redis.url, env: { ...env, SEARCH_INDEX_DELAY_MS: '60000' } })
    const { socket } = await signedInGuest(stopping.url)
    const sent = await send(socket, 'general', 'indexed on the way out, a capybara')
    expect(await stopping.stop()).toBe(0)
    expect((await (await readerOn(cluster.b.url)).search('capybara ')).body.messages.map(m => m.id)).toEqual([sent.message])
  }, 60_000)
})

describe('search turned off (SEARCH_INDEX=off)', () => {
  it('writes no entries for messages sent meanwhile, and answers 503', async () => {
    const off = await startApp({ dynamodbEndpoint: cluster.db.endpoint, redisUrl: cluster.redis.url, env: { ...env, SEARCH_INDEX: 'off' } })
    try {
      const { socket } = await signedInGuest(off.url)
      await send(socket, 'general', 'unindexed zeppelin')
      expect(await (await readerOn(off.url)).search('zeppelin')).toMatchObject({ status: 503, body: { message: 'Search is turned off on this server' } })
      // A message sent through a server that indexes, after it, is found: the first never will be.
      const { socket: other } = await signedInGuest(cluster.b.url)
      await send(other, 'general', 'indexed zeppelin')
      await eventually(async () => texts((await (await readerOn(cluster.b.url)).search('zeppelin')).body)).toEqual(['indexed zeppelin'])
    }
    finally {
      await off.stop()
    }
  }, 60_000)
})

describe('indexing after the acknowledgement, across servers', () => {
  // Slow indexes late (3 s); quick at once; both take over a dead server's work after 2 s.
  let parts: { db: Awaited<ReturnType<typeof startDatabase>>, redis: Awaited<ReturnType<typeof startRedis>>, slow: Awaited<ReturnType<typeof startApp>>, quick: Awaited<ReturnType<typeof startApp>> }
  beforeAll(async () => {
    const [db, redis] = await Promise.all([startDatabase(), startRedis()])
    const start = (delayMs: number) => startApp({ dynamodbEndpoint: db.endpoint, redisUrl: redis.url, env: { ...env, SEARCH_INDEX_DELAY_MS: String(delayMs), SEARCH_INDEX_TAKEOVER_SECONDS: '2' } })
    const [slow, quick] = await Promise.all([start(3000), start(20)])
    parts = { db, redis, slow, quick }
  }, 60_000)
  afterAll(async () => {
    await Promise.all([parts?.slow.stop(), parts?.quick.stop()])
    parts?.redis.stop()
    await parts?.db.stop()
  })

  /** Sends through the slow server, then waits until it has written everything up to a later marker to the index. */
  async function slowServerCaughtUp(socket: TestSocket): Promise<void> {
    const marker = `marker${Date.now().toString(36)}`
    await send(socket, 'general', marker)
    await eventually(() => indexedUnder(parts.db.endpoint, marker)).toBe(true)
  }

  /** Someone with a socket on each server. */
  async function onBoth(): Promise<{ slow: TestSocket, quick: TestSocket }> {
    const person = await guest(parts.slow.url)
    return { slow: await socketOf(person, parts.slow.url), quick: await socketOf(person, parts.quick.url) }
  }

  it('never finds an edited-away word, though the original is indexed after the edit', async () => {
    const { slow: socket, quick } = await onBoth()
    const original = await send(socket, 'general', 'the vault code is pelican')
    // The quick server indexes the edit before the slow one indexes the original.
    const [err] = await call(quick, 'edit message', { room: 'general', message: original.message, text: 'the vault code is flamingo' })
    expect(err).toBeNull()
    const reader = await readerOn(parts.quick.url)
    await slowServerCaughtUp(socket)
    expect(texts((await reader.search('pelican ')).body)).toEqual([])
    expect(texts((await reader.search('vault pelican ')).body)).toEqual([])
    expect(texts((await reader.search('vault flamingo ')).body)).toEqual(['the vault code is flamingo'])
  })

  it('never finds a deleted message, though it is indexed after the deletion', async () => {
    const { slow: socket, quick } = await onBoth()
    const original = await send(socket, 'general', 'the safe code is albatross')
    const [err] = await call(quick, 'delete message', { room: 'general', message: original.message })
    expect(err).toBeNull()
    const reader = await readerOn(parts.quick.url)
    await slowServerCaughtUp(socket)
    expect(texts((await reader.search('albatross ')).body)).toEqual([])
  })

  it('finds, through another server, what a server acknowledged and was killed before indexing', async () => {
    const { socket } = await signedInGuest(parts.slow.url)
    const sent = await send(socket, 'ecs', 'acknowledged then orphaned cassowary')
    await parts.slow.stop('SIGKILL')
    const reader = await readerOn(parts.quick.url)
    await eventually(async () => (await reader.search('cassowary ')).body.messages.map(m => m.id)).toEqual([sent.message])
  })
})

describe('search while Redis is away', () => {
  let own: TwoInstances
  beforeAll(async () => {
    own = await startTwoInstances({ env })
  }, 60_000)
  afterAll(async () => own?.stop())

  it('answers from this instance\'s memory and the index instead of waiting for the others, and deletions still answer', async () => {
    const { socket } = await signedInGuest(own.a.url)
    const reader = await readerOn(own.a.url)
    const sent = await send(socket, 'general', 'an okapi before the outage')
    own.redis.stop()
    await waitUntil(async () => (await fetch(`${own.a.url}/api/ready`)).status === 503, 10_000, () => 'readiness did not notice Redis going away')
    const during = await send(socket, 'general', 'an okapi during the outage')
    expect((await reader.search('okapi ')).body.messages.map(m => m.id)).toEqual([during.message, sent.message])
    const [err] = await call(socket, 'delete message', { room: 'general', message: during.message })
    expect(err).toBeNull()
    expect((await reader.search('okapi ')).body.messages.map(m => m.id)).toEqual([sent.message])
  }, 60_000)
})
