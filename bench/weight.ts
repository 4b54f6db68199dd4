// Weight of the room page's first load and how fast it becomes usable on a slow phone.
// 1. Unthrottled load in Chromium: every JS and CSS file the page loads, with its raw size, the bytes
//    that crossed the wire (as the server encoded them) and its gzip and brotli sizes, and the total.
// 2. Throttled loads, each in a fresh browser context (empty cache): Lighthouse's "slow 4G" network
//    as DevTools applies it and a 4× slower CPU; first contentful paint and "ready to type" (the
//    composer enabled: hydrated and the socket connected), from navigation start.
//   node bench/weight.ts [--runs 3] [--messages 50] [--output DIR] [--smoke]
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import { chromium, type Browser, type BrowserContext } from '@playwright/test'
import { args, log, main, num } from './lib/cli.ts'
import { report, table } from './lib/results.ts'
import { app, database, requireBuild } from './lib/services.ts'
import { median, round } from './lib/stats.ts'
import { guestCookie, seed } from './lib/session.ts'

const { smoke, values } = args({ runs: { type: 'string' }, messages: { type: 'string' }, output: { type: 'string' } })
const runs = num(values.runs, smoke ? 1 : 3)
const messages = num(values.messages, smoke ? 5 : 50)
const ROOM_PATH = '/rooms/general'
const BUDGET_KB = 120

// Lighthouse's mobileSlow4G (RTT 150 ms, 1.6 Mbit/s down, 750 kbit/s up) with its DevTools
// adjustment factors (latency × 3.75, throughput × 0.9), as its "devtools" throttling method applies them.
const SLOW_4G = {
  offline: false,
  latency: 150 * 3.75,
  downloadThroughput: 1.6 * 1024 * 1024 / 8 * 0.9,
  uploadThroughput: 750 * 1024 / 8 * 0.9,
}
const CPU_SLOWDOWN = 4

// The same switches as the browser tests (playwright.config.ts).
const LAUNCH = {
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
}

/**
 * Records, inside the page, when Nuxt has hydrated (checked every frame) and when the composer first
 * becomes enabled, which also needs the socket connected (performance.now(), ms from navigation start).
 */
const READY_PROBE = `
  const hydration = () => {
    if (window.useNuxtApp && !window.useNuxtApp().isHydrating) window.__hydrated = performance.now()
    else requestAnimationFrame(hydration)
  }
  requestAnimationFrame(hydration)
  new MutationObserver((_, observer) => {
    const input = document.getElementById('composer-input')
    if (input && !input.disabled && window.useNuxtApp && !window.useNuxtApp().isHydrating) {
      window.__readyToType = performance.now()
      observer.disconnect()
    }
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['disabled'] })
`

interface Asset { url: string, type: 'js' | 'css', encoding: string, rawBytes: number, wireBytes: number, gzipBytes: number, brotliBytes: number }

async function signedInContext(browser: Browser, url: string, cookie: string): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL: url })
  await context.addCookies(cookie.split('; ').map((pair) => {
    const at = pair.indexOf('=')
    return { name: pair.slice(0, at), value: pair.slice(at + 1), url }
  }))
  await context.addInitScript(READY_PROBE)
  return context
}

async function readyToType(context: BrowserContext) {
  const page = context.pages()[0]!
  await page.waitForFunction(() => (window as unknown as { __readyToType?: number }).__readyToType !== undefined, undefined, { timeout: 60_000 })
  return page.evaluate(() => ({
    fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
    hydrated: (window as unknown as { __hydrated?: number }).__hydrated ?? null,
    ready: (window as unknown as { __readyToType: number }).__readyToType,
  }))
}

/** Every JS and CSS file of the first load, with its sizes. */
async function assets(browser: Browser, url: string, cookie: string): Promise<Asset[]> {
  const context = await signedInContext(browser, url, cookie)
  const page = await context.newPage()
  const seen: Promise<Asset | null>[] = []
  page.on('requestfinished', (request) => {
    const type = request.resourceType() === 'script' ? 'js' : request.resourceType() === 'stylesheet' ? 'css' : null
    if (!type) return
    seen.push((async () => {
      const response = await request.response()
      if (!response) return null
      const body = await response.body()
      const sizes = await request.sizes()
      return {
        url: new URL(request.url()).pathname,
        type,
        encoding: (await response.headerValue('content-encoding')) ?? 'none',
        rawBytes: body.length,
        wireBytes: sizes.responseBodySize,
        gzipBytes: gzipSync(body, { level: 9 }).length,
        brotliBytes: brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
      }
    })())
  })
  await page.goto(ROOM_PATH)
  await readyToType(context)
  // Whatever the page still fetches right after it is usable belongs to the first load too.
  await page.waitForLoadState('networkidle')
  const list = (await Promise.all(seen)).filter((a): a is Asset => a !== null)
  await context.close()
  return list.sort((a, b) => b.wireBytes - a.wireBytes)
}

async function throttledLoad(browser: Browser, url: string, cookie: string) {
  const context = await signedInContext(browser, url, cookie)
  const page = await context.newPage()
  const cdp = await context.newCDPSession(page)
  await cdp.send('Network.enable')
  await cdp.send('Network.emulateNetworkConditions', SLOW_4G)
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN })
  await page.goto(ROOM_PATH, { timeout: 60_000 })
  const timings = await readyToType(context)
  await context.close()
  const ms = (value: number | null) => value === null ? null : round(value, 0)
  return { fcpMs: ms(timings.fcp), hydratedMs: ms(timings.hydrated), readyToTypeMs: round(timings.ready, 0) }
}

const kb = (bytes: number) => round(bytes / 1024, 1)

main('weight', smoke ? 90_000 : 5 * 60_000, async () => {
  // --output DIR runs another build (e.g. a copy of an older .output) for before/after in one session.
  const outputDir = typeof values.output === 'string' ? values.output : requireBuild()
  const db = await database()
  const server = await app({ dynamodbEndpoint: db.endpoint, outputDir })
  await seed(server.url, 'general', messages)
  const cookie = await guestCookie(server.url)
  const browser = await chromium.launch(LAUNCH)
  try {
    const list = await assets(browser, server.url, cookie)
    const sum = (pick: (a: Asset) => number, type?: Asset['type']) => list.filter(a => !type || a.type === type).reduce((n, a) => n + pick(a), 0)
    log(`weight: first load of ${ROOM_PATH} (${messages} messages), ${list.length} JS/CSS files`)
    log(table([...list.map(a => ({ 'file': a.url, 'type': a.type, 'served as': a.encoding, 'raw KB': kb(a.rawBytes), 'wire KB': kb(a.wireBytes), 'gzip KB': kb(a.gzipBytes), 'brotli KB': kb(a.brotliBytes) })),
      { 'file': 'total', 'type': '', 'served as': '', 'raw KB': kb(sum(a => a.rawBytes)), 'wire KB': kb(sum(a => a.wireBytes)), 'gzip KB': kb(sum(a => a.gzipBytes)), 'brotli KB': kb(sum(a => a.brotliBytes)) }]))

    const samples = []
    for (let i = 0; i < runs; i++) {
      const sample = await throttledLoad(browser, server.url, cookie)
      samples.push(sample)
      log(`  slow 4G + ${CPU_SLOWDOWN}× CPU, run ${i + 1}: first contentful paint ${sample.fcpMs} ms, hydrated ${sample.hydratedMs} ms, ready to type ${sample.readyToTypeMs} ms`)
    }
    const summary = {
      files: list.length,
      rawKb: kb(sum(a => a.rawBytes)),
      wireKb: kb(sum(a => a.wireBytes)),
      jsWireKb: kb(sum(a => a.wireBytes, 'js')),
      cssWireKb: kb(sum(a => a.wireBytes, 'css')),
      gzipKb: kb(sum(a => a.gzipBytes)),
      brotliKb: kb(sum(a => a.brotliBytes)),
      budgetKb: BUDGET_KB,
      withinBudget: sum(a => a.wireBytes) <= BUDGET_KB * 1024,
      fcpMedianMs: median(samples.map(s => s.fcpMs ?? Number.NaN)),
      hydratedMedianMs: median(samples.map(s => s.hydratedMs ?? Number.NaN)),
      readyToTypeMedianMs: median(samples.map(s => s.readyToTypeMs)),
    }
    log(`summary: ${summary.wireKb} KB of JS + CSS over the wire (budget ${BUDGET_KB} KB), first contentful paint ${summary.fcpMedianMs} ms, ready to type ${summary.readyToTypeMedianMs} ms (median of ${runs})`)
    report('weight', { config: { runs, messages, smoke, network: SLOW_4G, cpuSlowdown: CPU_SLOWDOWN }, summary, assets: list, samples })
  }
  finally {
    await browser.close()
  }
})
