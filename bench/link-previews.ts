// Link previews (server/domain/links): what finding a message's links costs, what one card read costs
// through the address filter against the same read without it, and what 50 MB pages and 30 s answers
// cost an instance: memory and time while many are read at once, each cut at its cap or deadline.
// The page server is the tests' own, on loopback (let through as LINK_PREVIEW_TEST_ALLOW_ADDRESSES does).
//   node bench/link-previews.ts [--runs 200] [--smoke]
import http from 'node:http'
import { registerHooks } from 'node:module'
import { args, log, main, num, valued } from './lib/cli.ts'
import { report, table } from './lib/results.ts'
import { median, percentile, round } from './lib/stats.ts'
import { startLinkPages } from '../test/support/link-pages.ts'

// The renderer's emoji data is JSON imported without an attribute (as the bundler allows); plain Node needs it.
registerHooks({
  load(url, context, nextLoad) {
    return nextLoad(url, url.endsWith('.json') ? { ...context, importAttributes: { type: 'json' } } : context)
  },
})

const { smoke, values } = args(valued('runs'))
const runs = num(values.runs, smoke ? 10 : 200)
const parallel = smoke ? 4 : 20

const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6

/** The same GET without any filtering: the floor a filtered read is compared with. */
function plainGet(url: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    http.get(url, { agent: new http.Agent({ keepAlive: false }) }, (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('end', () => resolve(Buffer.concat(chunks)))
      response.on('error', reject)
    }).on('error', reject)
  })
}

async function timed(fn: () => Promise<unknown>): Promise<number[]> {
  const samples: number[] = []
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint()
    await fn()
    samples.push(ms(start))
  }
  return samples.sort((a, b) => a - b)
}

const stats = (name: string, samples: number[]) => ({ 'case': name, 'median ms': round(median(samples), 3), 'p99 ms': round(percentile(samples, 99), 3) })

main('link-previews', 5 * 60_000, async () => {
  const { webLinksIn } = await import('../server/domain/text/markdown.ts')
  const { safeFetch } = await import('../server/domain/links/safe-fetch.ts')
  const { decodePage, parsePageCard } = await import('../server/domain/links/open-graph.ts')
  const pages = await startLinkPages()
  const page = { accept: ['text/html'], maxBytes: 512 * 1024, timeoutMs: 4000, overflow: 'truncate' as const, allowAddresses: ['127.0.0.1'] }
  try {
    const text = 'Release notes are up at https://example.com/notes/4.2 — see **Breaking** and www.example.org/faq :tada:'
    const rows = [
      stats('message without a link: the send-side test', await timed(async () => /https?:\/\/|www\./i.test('Lunch at noon? **yes** @ann'))),
      stats('links of a typical line (after the ack)', await timed(async () => webLinksIn(text))),
      stats('card read: plain http.get (no filter)', await timed(() => plainGet(`${pages.origin}/page?title=Bench`))),
      stats('card read: safe fetch + parse', await timed(async () => {
        const fetched = await safeFetch(`${pages.origin}/page?title=Bench`, page)
        parsePageCard(decodePage(fetched.body, fetched.contentType), fetched.url)
      })),
    ]
    log(`link-previews: ${runs} runs per case`)
    log(table(rows))

    // Many 50 MB pages at once: each read stops at its cap, so memory grows by the caps, not the pages.
    global.gc?.()
    const before = process.memoryUsage().rss
    let peak = before
    const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss) }, 5)
    const hugeStart = process.hrtime.bigint()
    const huge = await Promise.all(Array.from({ length: parallel }, () => safeFetch(`${pages.origin}/huge`, page)))
    const hugeMs = ms(hugeStart)
    // And as many answers that would take 30 s: each ends at its deadline.
    const slowStart = process.hrtime.bigint()
    const slow = await Promise.allSettled(Array.from({ length: parallel }, () => safeFetch(`${pages.origin}/slow`, { ...page, timeoutMs: 1000 })))
    const slowMs = ms(slowStart)
    clearInterval(sampler)
    const bounded = {
      'parallel reads': parallel,
      '50 MB pages: bytes kept each': huge[0]!.body.length,
      '50 MB pages: all done ms': round(hugeMs, 0),
      'peak RSS growth MB': round((peak - before) / 1024 / 1024, 1),
      '30 s answers: refused': slow.filter(s => s.status === 'rejected').length,
      '30 s answers (1 s deadline): all done ms': round(slowMs, 0),
    }
    log(table([bounded]))
    log(`summary: typical line's links ${rows[1]!['median ms']} ms; a card read ${rows[3]!['median ms']} ms vs ${rows[2]!['median ms']} ms unfiltered; ${parallel} × 50 MB pages read in ${bounded['50 MB pages: all done ms']} ms with ${bounded['peak RSS growth MB']} MB more RSS at peak`)
    report('link-previews', { config: { runs, parallel, smoke }, summary: { linksMedianMs: rows[1]!['median ms'], cardReadMedianMs: rows[3]!['median ms'], plainReadMedianMs: rows[2]!['median ms'], hugePeakRssGrowthMb: bounded['peak RSS growth MB'] }, cases: rows, bounded })
  }
  finally {
    await pages.close()
  }
})
