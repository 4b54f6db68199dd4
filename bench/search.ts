// Search, measured four ways:
// 1. write cost: DynamoDB write units per message (its item, and its index) for a 12-word and a
//    2,000-character message at 1, 10, 100 and 300 msg/s, counted from the items the app's own
//    writer and indexer send, and the monthly cost of a million messages a day;
// 2. query latency: N messages (default 100,000) indexed through the same writer and indexer, then
//    searches over HTTP against the production build (one word, two words, a prefix, filtered);
// 3. freshness: acknowledgement → findable, p50/p99, under the fan-out load at 100 and 300 msg/s;
// 4. the send path with SEARCH_INDEX on and off, alternating.
//   node bench/search.ts [--messages 100000] [--queries 200] [--rates 100,300] [--layout quiet|busy]
//                        [--only cost,queries,freshness,sendpath] [--delay ms] [--smoke]
import { randomBytes } from 'node:crypto'
import { PutCommand } from '@aws-sdk/lib-dynamodb'
import { createDatabase, getDatabase, setDatabase } from '../server/storage/database.ts'
import { MessageWriter } from '../server/storage/message-writer.ts'
import { MAX_OPS, SearchIndexer } from '../server/domain/search/indexer.ts'
import { args, log, main, num, valued } from './lib/cli.ts'
import { probeFreshness } from './lib/freshness.ts'
import { report, table } from './lib/results.ts'
import { benchMessage, Vocabulary } from './lib/search-corpus.ts'
import { sendPathStep, type SendPathRun } from './lib/send-path.ts'
import { app, database } from './lib/services.ts'
import { guestCookie } from './lib/session.ts'
import { percentile, round } from './lib/stats.ts'
import { APP_TABLES } from './lib/tables.ts'
import { monthlyCost, USD_PER_MILLION_WRITES, writeCost, type WriteCost } from './lib/write-cost.ts'

const { smoke, values } = args({
  ...valued('messages', 'queries', 'rates', 'layout', 'only', 'delay'),
})
const parts = new Set(values.only ? String(values.only).split(',') : ['cost', 'queries', 'freshness', 'sendpath'])
const messageCount = num(values.messages, smoke ? 1000 : 100_000)
const queriesPerKind = num(values.queries, smoke ? 20 : 200)
// SEARCH_INDEX_DELAY_MS's default: how long the indexer holds what it writes together.
const delayMs = num(values.delay, 300_000)
const rates = values.rates ? String(values.rates).split(',').map(Number) : smoke ? [50] : [100, 300]
// quiet: the history of a quiet team (90 days), so every posting block holds one message, the most
// blocks a search can have to read; busy: 100 messages a second, a flush of 100 per second.
const layout = values.layout === 'busy' ? 'busy' : 'quiet'
const ROOMS = 20
const USERS = 50
const DAY = 86_400_000

// The index code reads the configuration (SEARCH_INDEX) as the server does.
process.env.SEARCH_INDEX = 'on'
process.env.NUXT_SESSION_PASSWORD ??= randomBytes(32).toString('hex')

const words = new Vocabulary(5000, 42)

/** Messages of 6–14 words, a tenth with a link, indexed through the app's writer and indexer in flushes as a live server makes them. */
async function indexCorpus(endpoint: string): Promise<{ messages: number, seconds: number, perSecond: number }> {
  setDatabase(createDatabase({ region: 'us-east-1', endpoint, tables: APP_TABLES }))
  const indexer = new SearchIndexer({ flushMs: 60_000, takeoverMs: 30_000 })
  const writer = new MessageWriter(getDatabase, 4, { companions: (m, t) => indexer.companions(m, t), settled: (m, e) => indexer.settled(m, e) })
  const spacing = layout === 'busy' ? 10 : 90 * DAY / messageCount
  const flush = layout === 'busy' ? 100 : 2000
  const start = Date.now() - messageCount * spacing
  const started = performance.now()
  for (let i = 0; i < messageCount; i += flush) {
    const batch = Array.from({ length: Math.min(flush, messageCount - i) }, (_, j) => {
      const n = i + j
      const text = words.text({ words: 6 + Math.floor(words.next() * 9) }) + (n % 10 === 0 ? ' https://example.com/doc' : '')
      return benchMessage(`room-${n % ROOMS}`, `user-${n % USERS}`, text, Math.floor(start + n * spacing))
    })
    await Promise.all(batch.map(m => writer.write(m)))
    await indexer.flush()
    if (i && i % 10_000 < flush) log(`  ${i} messages indexed (${Math.round(i / ((performance.now() - started) / 1000))}/s)`)
  }
  await indexer.stop()
  // Search only returns hits from rooms that exist (and the reader may read).
  const { doc, tables } = await getDatabase()
  await Promise.all(Array.from({ length: ROOMS }, (_, i) => doc.send(new PutCommand({ TableName: tables.rooms, Item: { id: `room-${i}`, name: `Room ${i}`, topic: '', image: '/a.svg', createdBy: 'bench', createdAt: 0 } }))))
  const db = await getDatabase()
  setDatabase(undefined)
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

async function measureCost() {
  log(`write cost per message (write units, from the items written; a flush every ${delayMs / 1000} s or ${MAX_OPS} messages)`)
  const costDb = await database()
  const costs: WriteCost[] = []
  for (const shape of [{ words: 12 }, { chars: 2000 }]) {
    for (const rate of smoke ? [1, 50] : [0.1, 1, 2, 10, 100, 300, 1000]) {
      const cost = await writeCost(costDb.endpoint, shape, rate, delayMs, smoke ? 5 : 30, smoke ? 200 : 20_000)
      costs.push(cost)
      log(`  ${cost.shape} @${rate} msg/s (${cost.perFlush} a flush): message ${cost.messageUnits} WU, index ${cost.indexUnits} WU (blocks ${cost.blockUnits}, vocabulary ${cost.vocabularyUnits}, position ${cost.positionUnits}; ${cost.indexBytesPerMessage} bytes stored)`)
    }
  }
  await costDb.stop()
  const perDay = 1_000_000
  const monthly = costs.map(c => ({ shape: c.shape, rate: c.rate, ...monthlyCost(c, perDay) }))
  log(`  ${perDay.toLocaleString('en')} messages a day, on demand at $${USD_PER_MILLION_WRITES} per million writes, if they all came at one rate:\n${table(monthly)}`)
  return { writeCost: costs, monthly }
}

async function measureQueries() {
  log(`\nsearch: index ${messageCount} messages (${ROOMS} rooms, ${USERS} authors, ${words.words.length}-word Zipf vocabulary, ${layout} layout), ${queriesPerKind} queries per kind`)
  const db = await database()
  const indexing = await indexCorpus(db.endpoint)
  log(`  indexed ${indexing.messages} messages in ${indexing.seconds} s (${indexing.perSecond}/s)`)
  const server = await app({ dynamodbEndpoint: db.endpoint })
  const cookie = await guestCookie(server.url)
  // Mid-frequency words (ranks 20–60) as they would be looked for; the prefix is a word's first 3 letters.
  const pick = (i: number, offset = 0) => words.words[20 + ((i * 7 + offset) % 40)]!
  const queries = [
    await timeQueries(server.url, cookie, 'one word', i => `${pick(i)} `),
    await timeQueries(server.url, cookie, 'two words', i => `${words.words[i % 10]!} ${pick(i, 3)} `),
    await timeQueries(server.url, cookie, 'prefix', i => pick(i).slice(0, 3)),
    await timeQueries(server.url, cookie, 'filtered', i => `${pick(i)} in:#room-${i % ROOMS} has:link`),
  ]
  log(`\n${table(queries.map(q => ({ ...q })))}`)
  await server.stop()
  await db.stop()
  return { indexing, queries: Object.fromEntries(queries.map(q => [q.kind, { p50: q.p50, p99: q.p99, meanHits: q.meanHits }])), p99Under150: queries.every(q => q.p99 < 150) }
}

async function measureFreshness() {
  log('\nfreshness: acknowledged → findable under the fan-out load (5 probes a second, searched every 50 ms)')
  const freshness: { rate: number, p50: number, p99: number, max: number, probes: number, unfound: number, lost: number, deliveryP99: number }[] = []
  for (const rate of rates) {
    let probed: { lagsMs: number[], unfound: number } = { lagsMs: [], unfound: 0 }
    const sendPath = await sendPathStep('on', rate, smoke, async (url, durationMs) => {
      probed = await probeFreshness(url, await guestCookie(url), { room: 'general', durationMs, perSecond: 5 })
    })
    const lags = probed.lagsMs.sort((a, b) => a - b)
    const row = { rate, p50: round(percentile(lags, 50), 0), p99: round(percentile(lags, 99), 0), max: round(lags.at(-1) ?? 0, 0), probes: lags.length, unfound: probed.unfound, lost: sendPath.lost, deliveryP99: sendPath.p99 }
    freshness.push(row)
    log(`  @${rate} msg/s: p50 ${row.p50} ms, p99 ${row.p99} ms, max ${row.max} ms over ${row.probes} probes${row.unfound ? `, ${row.unfound} never found` : ''} (delivery p99 ${sendPath.p99} ms)`)
  }
  return { freshness, freshnessP99Under2s: freshness.every(f => f.p99 <= 2000 && !f.unfound) }
}

async function measureSendPath() {
  log('\nsend path: fan-out at fixed rates, SEARCH_INDEX=off then on, twice')
  const hotPath: SendPathRun[] = []
  for (const rate of rates) {
    for (const index of smoke ? ['off', 'on'] as const : ['off', 'on', 'off', 'on'] as const) {
      const run = await sendPathStep(index, rate, smoke)
      hotPath.push(run)
      log(`  ${rate} msg/s index ${index.padEnd(3)}: p50 ${run.p50} ms, p99 ${run.p99} ms, ack p50 ${run.ackP50} ms, app ${run.appCpuMsPerMessage} ms CPU/msg, dynalite ${run.dbCpuMsPerMessage} ms CPU/msg, others ${run.otherCpu}% CPU${run.ok ? '' : ' (NOT ok)'}`)
    }
  }
  const mean = (list: number[]) => list.length ? list.reduce((a, b) => a + b, 0) / list.length : 0
  const byRate = rates.map((rate) => {
    const on = hotPath.filter(r => r.rate === rate && r.index === 'on')
    const off = hotPath.filter(r => r.rate === rate && r.index === 'off')
    const ratio = (f: (r: SendPathRun) => number) => on.length && off.length && mean(off.map(f)) ? round(mean(on.map(f)) / mean(off.map(f)), 2) : null
    return { rate, p50Ratio: ratio(r => r.p50), p99Ratio: ratio(r => r.p99), appCpuRatio: ratio(r => r.appCpuMsPerMessage), dbCpuRatio: ratio(r => r.dbCpuMsPerMessage) }
  })
  log(`\n${table(byRate)}`)
  return { hotPath: byRate, runs: hotPath }
}

main('search', smoke ? 200_000 : 40 * 60_000, async () => {
  const cost = parts.has('cost') ? await measureCost() : {}
  const queries = parts.has('queries') ? await measureQueries() : {}
  const fresh = parts.has('freshness') ? await measureFreshness() : undefined
  const send = parts.has('sendpath') ? await measureSendPath() : undefined
  const lost = [...send?.runs ?? [], ...fresh?.freshness ?? []].reduce((n, r) => n + r.lost, 0)
  const summary = { messages: messageCount, layout, ...cost, ...queries, ...fresh, hotPath: send?.hotPath, lost }
  report('search', { config: { messageCount, queriesPerKind, rates, rooms: ROOMS, users: USERS, vocabulary: words.words.length, layout, parts: [...parts], smoke }, summary, runs: send?.runs })
})
