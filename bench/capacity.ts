// The capacity model's unit costs (docs/capacity.md), counted by the services themselves: DynamoDB
// read and write units per message, per room page load, per history page and per search (a meter in
// front of dynalite asks every request for its consumed capacity), and Redis commands per message,
// per presence change (opening or leaving a room) and per connection (INFO commandstats).
// One production instance with Redis and search on; a signed-in member of #general, 50+ messages.
//   node bench/capacity.ts [--messages 300] [--reads 20] [--smoke]
import { execFileSync } from 'node:child_process'
import { Client } from '../test/support/http.ts'
import { call, connect, type TestSocket } from '../test/support/sockets.ts'
import { args, log, main, num, sleep, valued } from './lib/cli.ts'
import { startDynamoMeter, type Metered } from './lib/dynamo-meter.ts'
import { report, table } from './lib/results.ts'
import { app, database, redis, requireBuild } from './lib/services.ts'
import { round } from './lib/stats.ts'

const { smoke, values } = args(valued('messages', 'reads'))
const MESSAGES = num(values.messages, smoke ? 30 : 300)
const READS = num(values.reads, smoke ? 3 : 20)
const ROOM = 'general'
// Twelve words, as the search benchmark's short message.
const TEXT = (i: number) => `deploy ${i} finished on the staging cluster and the canary looks healthy today`

interface Row {
  what: string
  count: number
  readUnits: number
  writeUnits: number
  dynamoRequests: Record<string, number>
  redisCommands: Record<string, number>
}

function commandCalls(port: number): Record<string, number> {
  const stats = execFileSync('redis-cli', ['-p', String(port), 'INFO', 'commandstats'], { encoding: 'utf8' })
  return Object.fromEntries([...stats.matchAll(/^cmdstat_([\w|]+):calls=(\d+)/gm)].map(m => [m[1]!, Number(m[2])]))
}

function per(counts: Record<string, number>, count: number): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).map(([k, n]) => [k, round(n / count, 2)] as const).filter(([, n]) => n >= 0.01).sort((a, b) => b[1] - a[1]))
}

main('capacity', smoke ? 120_000 : 15 * 60_000, async () => {
  requireBuild()
  const db = await database()
  const meter = await startDynamoMeter(db.endpoint)
  const cache = await redis()
  const redisPort = Number(new URL(cache.url).port)
  // The indexer writes what it holds within a second here (the default gathers for 5 minutes, so
  // its blocks are shared by more messages): the index's work is counted with the messages, as an
  // upper bound of what it costs.
  const server = await app({ dynamodbEndpoint: meter.endpoint, redisUrl: cache.url, env: { SEARCH_INDEX_DELAY_MS: '1000' } })
  const url = server.url
  const rows: Row[] = []

  /** What `work` costs per `count`, in DynamoDB units and requests and in Redis commands. */
  async function measure(what: string, count: number, work: () => Promise<void>, settleMs = 0): Promise<void> {
    await sleep(1500)
    meter.reset()
    const before = commandCalls(redisPort)
    await work()
    if (settleMs) await sleep(settleMs)
    const metered: Metered = meter.read()
    const after = commandCalls(redisPort)
    const redisCalls = Object.fromEntries(Object.entries(after).map(([k, n]) => [k, n - (before[k] ?? 0)]))
    rows.push({ what, count, readUnits: round(metered.readUnits / count, 2), writeUnits: round(metered.writeUnits / count, 2), dynamoRequests: per(metered.requests, count), redisCommands: per(redisCalls, count) })
    log(`  ${what}: ${rows.at(-1)!.readUnits} RU, ${rows.at(-1)!.writeUnits} WU; DynamoDB ${JSON.stringify(rows.at(-1)!.dynamoRequests)}; Redis ${JSON.stringify(rows.at(-1)!.redisCommands)}`)
  }

  const member = new Client(url)
  const username = `cap${Date.now().toString(36)}`
  if ((await member.post('/api/auth/register', { username, password: 'Capacity-Pass-9' })).status !== 201) throw new Error('registration failed')
  const socket: TestSocket = await connect(url, { cookie: member.cookieHeader })
  await call(socket, 'join room', ROOM)
  // A history worth a page, and words the search finds.
  for (let i = 0; i < 60; i++) await call(socket, 'new message', { room: ROOM, message: TEXT(i) })

  log(`capacity: one instance with Redis, search on; ${MESSAGES} messages, ${READS} reads of each kind`)
  await measure('message (12 words, sent by socket, indexed)', MESSAGES, async () => {
    for (let i = 0; i < MESSAGES; i += 10) {
      await Promise.all(Array.from({ length: Math.min(10, MESSAGES - i) }, (_, j) => call(socket, 'new message', { room: ROOM, message: TEXT(i + j) })))
    }
  }, 2500)
  await measure('room page load (signed-in member, server-rendered)', READS, async () => {
    for (let i = 0; i < READS; i++) if ((await member.get(`/rooms/${ROOM}`)).status !== 200) throw new Error('page failed')
  })
  await measure('history page (50 messages, GET)', READS, async () => {
    for (let i = 0; i < READS; i++) if ((await member.get(`/api/rooms/${ROOM}/messages`)).status !== 200) throw new Error('history failed')
  })
  await measure('search (one word, readable rooms)', READS, async () => {
    for (let i = 0; i < READS; i++) if ((await member.get('/api/search?q=canary')).status !== 200) throw new Error('search failed')
  })
  const viewer = await connect(url, { cookie: member.cookieHeader })
  await measure('presence change (open or leave a room)', READS * 2, async () => {
    for (let i = 0; i < READS; i++) {
      await call(viewer, 'join room', 'ecs')
      await call(viewer, 'leave room', 'ecs')
    }
  })
  await measure('connection (a tab connects and closes)', READS * 2, async () => {
    for (let i = 0; i < READS; i++) {
      const tab = await connect(url, { cookie: member.cookieHeader })
      await call(tab, 'room list')
      tab.disconnect()
      await sleep(50)
    }
  })
  socket.disconnect()
  viewer.disconnect()
  await meter.close()

  log(`\n${table(rows.map(r => ({
    'per': r.what,
    'RU': r.readUnits,
    'WU': r.writeUnits,
    'DynamoDB requests': Object.entries(r.dynamoRequests).map(([k, n]) => `${k} ${n}`).join(', '),
    'Redis commands': Object.entries(r.redisCommands).map(([k, n]) => `${k} ${n}`).join(', '),
  })))}`)
  report('capacity', { config: { messages: MESSAGES, reads: READS, smoke }, rows })
})
