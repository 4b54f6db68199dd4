// Search: index N messages (default 100,000) into dynalite through the app's own MessageWriter and
// search index code, then time searches over HTTP against the production build (one word, two
// words, a prefix, a filtered query: p50/p99), then the cost of indexing on the send path: the
// fan-out at fixed rates with SEARCH_INDEX=on and =off in the same run, alternating.
//   node bench/search.ts [--messages 100000] [--queries 200] [--rates 100,300] [--smoke]
import { randomBytes } from 'node:crypto'
import { PutCommand } from '@aws-sdk/lib-dynamodb'
import type { ChatMessage } from '#shared/types/chat'
import { createDatabase } from '../server/storage/database.ts'
import { MessageWriter } from '../server/storage/message-writer.ts'
import { searchIndexItems } from '../server/domain/search/indexing.ts'
import { args, log, main, num } from './lib/cli.ts'
import { procSample } from './lib/proc.ts'
import { report, table } from './lib/results.ts'
import { app, database } from './lib/services.ts'
import { percentile, round } from './lib/stats.ts'
import { LoadGenerator, runStep, type StepResult } from './lib/load.ts'
import { startTarget } from './lib/targets.ts'
import { guestCookie } from './lib/session.ts'

const { smoke, values } = args({
  messages: { type: 'string' },
  queries: { type: 'string' },
  rates: { type: 'string' },
})
const messageCount = num(values.messages, smoke ? 1000 : 100_000)
const queriesPerKind = num(values.queries, smoke ? 20 : 200)
const rates = values.rates ? String(values.rates).split(',').map(Number) : smoke ? [50] : [100, 300]
const ROOMS = 20
const USERS = 50
const VOCABULARY = 5000
const DAYS = 90

// The index code reads the configuration (SEARCH_INDEX) as the server does.
process.env.SEARCH_INDEX = 'on'
process.env.NUXT_SESSION_PASSWORD ??= randomBytes(32).toString('hex')

/** Deterministic pseudo-random numbers, so every run indexes the same messages. */
function random(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6D2B79F5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const rand = random(42)
/** Made-up words of 4–9 letters; word i is used with a Zipf-like frequency ∝ 1/(i+1). */
const words = Array.from({ length: VOCABULARY }, () => Array.from({ length: 4 + Math.floor(rand() * 6) }, () => 'abcdefghijklmnopqrstuvwxyz'[Math.floor(rand() * 26)]).join(''))
const harmonic = words.reduce((sum, _, i) => sum + 1 / (i + 1), 0)
function zipfWord(): string {
  let x = rand() * harmonic
  for (let i = 0; i < words.length; i++) {
    x -= 1 / (i + 1)
    if (x <= 0) return words[i]!
  }
  return words.at(-1)!
}

function fakeMessage(i: number, start: number): ChatMessage {
  const time = start + Math.floor(i * (DAYS * 86_400_000) / messageCount)
  const text = Array.from({ length: 6 + Math.floor(rand() * 9) }, zipfWord).join(' ') + (i % 10 === 0 ? ' https://example.com/doc' : '')
  return {
    id: `${String(time).padStart(13, '0')}:${randomBytes(8).toString('hex')}`,
    room: `room-${i % ROOMS}`,
    username: `user-${i % USERS}`,
    avatar: '/a.svg',
    time,
    content: { text },
  }
}

async function indexMessages(endpoint: string): Promise<{ messages: number, seconds: number, perSecond: number }> {
  const tables = { users: 'fargate-chat-users', messages: 'fargate-chat-messages', rooms: 'fargate-chat-rooms', roomDirectory: 'fargate-chat-room-directory', sessions: 'fargate-chat-sessions', memberships: 'fargate-chat-memberships', people: 'fargate-chat-people', search: 'fargate-chat-search', messageChanges: 'fargate-chat-message-changes' }
  const db = createDatabase({ region: 'us-east-1', endpoint, tables })
  const writer = new MessageWriter(async () => db, 4, searchIndexItems)
  const start = Date.now() - DAYS * 86_400_000
  const started = performance.now()
  const inFlight = new Set<Promise<void>>()
  for (let i = 0; i < messageCount; i++) {
    const write = writer.write(fakeMessage(i, start)).finally(() => inFlight.delete(write))
    inFlight.add(write)
    if (inFlight.size >= 200) await Promise.race(inFlight)
    if (i && i % 10_000 === 0) log(`  ${i} messages indexed (${Math.round(i / ((performance.now() - started) / 1000))}/s)`)
  }
  await Promise.all(inFlight)
  await writer.drain()
  // Search only returns hits from rooms that exist (and the reader may read).
  await Promise.all(Array.from({ length: ROOMS }, (_, i) => db.doc.send(new PutCommand({ TableName: tables.rooms, Item: { id: `room-${i}`, name: `Room ${i}`, topic: '', image: '/a.svg', createdBy: 'bench', createdAt: 0 } }))))
  db.client.destroy()
  const seconds = (performance.now() - started) / 1000
  return { messages: messageCount, seconds: round(seconds, 1), perSecond: Math.round(messageCount / seconds) }
}

interface QueryStats { kind: string, example: string, p50: number, p99: number, max: number, meanHits: number }

async function timeQueries(url: string, cookie: string, kind: string, make: (i: number) => string): Promise<QueryStats> {
  const times: number[] = []
  let hits = 0
  // Two untimed queries first (JIT, connections).
  for (let i = -2; i < queriesPerKind; i++) {
    const q = make(i + 2)
    const started = performance.now()
    const response = await fetch(`${url}/api/search?q=${encodeURIComponent(q)}`, { headers: { accept: 'application/json', cookie } })
    const body = await response.json() as { messages?: unknown[], message?: string }
    if (!response.ok) throw new Error(`search "${q}" answered ${response.status}: ${body.message}`)
    if (i >= 0) {
      times.push(performance.now() - started)
      hits += body.messages!.length
    }
  }
  times.sort((a, b) => a - b)
  return { kind, example: make(0), p50: round(percentile(times, 50), 1), p99: round(percentile(times, 99), 1), max: round(times.at(-1)!, 1), meanHits: round(hits / queriesPerKind, 1) }
}

interface HotPathRun {
  index: 'on' | 'off'
  rate: number
  p50: number
  p99: number
  ackP50: number
  appCpu: number
  dbCpu: number
  /** CPU milliseconds per stored message: steadier than latency on a machine others are using. */
  appCpuMsPerMessage: number
  dbCpuMsPerMessage: number
  /** Everything else on the machine, in % of one core: the noise of this step. */
  otherCpu: number
  ok: boolean
  lost: number
}

async function hotPathStep(index: 'on' | 'off', rate: number): Promise<HotPathRun> {
  const target = await startTarget('app', { env: { SEARCH_INDEX: index } })
  const load = new LoadGenerator()
  try {
    await load.start(smoke ? 1 : 2)
    const clients = smoke ? 6 : 50
    const connect = await load.connect(target.urls, clients, { join: 'general' })
    const senders = load.pickSenders(smoke ? 2 : 10)
    const step = (r: number, durationMs: number) => runStep(load, { rate: r, senders, durationMs, room: 'general', watch: target.watch, members: connect.connected })
    await step(Math.min(rate, 200), smoke ? 500 : 2000) // warm-up, not reported
    const [app, db] = [target.servers[0]!, target.watch.find(w => w.name === 'dynalite')!]
    const before = [procSample(app.pid), procSample(db.pid)]
    const s: StepResult = await step(rate, smoke ? 1000 : 5000)
    const after = [procSample(app.pid), procSample(db.pid)]
    const perMessage = (i: number) => s.acked ? round((after[i]!.cpu - before[i]!.cpu) * 1000 / s.acked, 3) : 0
    return {
      index,
      rate,
      p50: s.latency.p50,
      p99: s.latency.p99,
      ackP50: s.ackLatency.p50,
      appCpu: s.processes.app?.cpuPercent ?? 0,
      dbCpu: s.processes.dynalite?.cpuPercent ?? 0,
      appCpuMsPerMessage: perMessage(0),
      dbCpuMsPerMessage: perMessage(1),
      otherCpu: s.processes.other?.cpuPercent ?? 0,
      ok: s.ok,
      lost: s.lost,
    }
  }
  finally {
    await load.close()
    await target.stop()
  }
}

main('search', smoke ? 150_000 : 30 * 60_000, async () => {
  log(`search: index ${messageCount} messages (${ROOMS} rooms, ${USERS} authors, ${VOCABULARY}-word Zipf vocabulary), ${queriesPerKind} queries per kind`)
  const db = await database()
  const indexing = await indexMessages(db.endpoint)
  log(`  indexed ${indexing.messages} messages in ${indexing.seconds} s (${indexing.perSecond}/s)`)

  const server = await app({ dynamodbEndpoint: db.endpoint })
  const cookie = await guestCookie(server.url)
  // Mid-frequency words (ranks 20–60) as they would be looked for; the prefix is a word's first 3 letters.
  const pick = (i: number, offset = 0) => words[20 + ((i * 7 + offset) % 40)]!
  const queries = [
    await timeQueries(server.url, cookie, 'one word', i => `${pick(i)} `),
    await timeQueries(server.url, cookie, 'two words', i => `${words[i % 10]!} ${pick(i, 3)} `),
    await timeQueries(server.url, cookie, 'prefix', i => pick(i).slice(0, 3)),
    await timeQueries(server.url, cookie, 'filtered', i => `${pick(i)} in:#room-${i % ROOMS} has:link`),
  ]
  log(`\n${table(queries.map(q => ({ ...q })))}`)
  await server.stop()
  await db.stop()

  log('\nhot path: fan-out at fixed rates, SEARCH_INDEX=off then on, twice')
  const hotPath: HotPathRun[] = []
  for (const rate of rates) {
    for (const index of smoke ? ['off', 'on'] as const : ['off', 'on', 'off', 'on'] as const) {
      const run = await hotPathStep(index, rate)
      hotPath.push(run)
      log(`  ${rate} msg/s index ${index.padEnd(3)}: p50 ${run.p50} ms, p99 ${run.p99} ms, ack p50 ${run.ackP50} ms, app ${run.appCpuMsPerMessage} ms CPU/msg, dynalite ${run.dbCpuMsPerMessage} ms CPU/msg, others ${run.otherCpu}% CPU${run.ok ? '' : ' (NOT ok)'}`)
    }
  }
  const mean = (list: number[]) => list.length ? list.reduce((a, b) => a + b, 0) / list.length : 0
  const byRate = rates.map((rate) => {
    const on = hotPath.filter(r => r.rate === rate && r.index === 'on')
    const off = hotPath.filter(r => r.rate === rate && r.index === 'off')
    const ratio = (f: (r: HotPathRun) => number) => on.length && off.length && mean(off.map(f)) ? round(mean(on.map(f)) / mean(off.map(f)), 2) : null
    return { rate, p50Ratio: ratio(r => r.p50), p99Ratio: ratio(r => r.p99), appCpuRatio: ratio(r => r.appCpuMsPerMessage), dbCpuRatio: ratio(r => r.dbCpuMsPerMessage) }
  })
  log(`\n${table(byRate)}`)
  const summary = {
    messages: messageCount,
    indexing,
    queries: Object.fromEntries(queries.map(q => [q.kind, { p50: q.p50, p99: q.p99, meanHits: q.meanHits }])),
    p99Under150: queries.every(q => q.p99 < 150),
    hotPath: byRate,
    lost: hotPath.reduce((n, r) => n + r.lost, 0),
  }
  report('search', { config: { messageCount, queriesPerKind, rates, rooms: ROOMS, users: USERS, vocabulary: VOCABULARY, smoke }, summary, queries, hotPath })
})
