// Rendering time of the Markdown renderer (server/domain/text/markdown.ts), which the server runs once per
// message text it sends or shows (cached by text): typical chat lines, a code block, and 2,000-character worst
// cases (runs of emphasis, brackets, backticks, nested quotes and lists).
//   node bench/markdown.ts [--runs 200] [--smoke]
import { registerHooks } from 'node:module'
import { args, log, main, num } from './lib/cli.ts'
import { report, table } from './lib/results.ts'
import { median, round } from './lib/stats.ts'

// The emoji shortcodes module imports its JSON data the way the bundler allows (no import attribute):
// plain Node needs the attribute, so it is added here.
registerHooks({
  load(url, context, nextLoad) {
    return nextLoad(url, url.endsWith('.json') ? { ...context, importAttributes: { type: 'json' } } : context)
  },
})

const { smoke, values } = args({ runs: { type: 'string' } })
const runs = num(values.runs, smoke ? 5 : 200)

main('markdown', 5 * 60_000, async () => {
  const { MESSAGE_MAX } = await import('../shared/schemas/limits.ts')
  const { renderMarkdown } = await import('../server/domain/text/markdown.ts')
  const fill = (unit: string) => unit.repeat(Math.ceil(MESSAGE_MAX / unit.length)).slice(0, MESSAGE_MAX)
  const cases: [string, string][] = [
    ['typical chat line', '**Heads up**: `main` is frozen until _Friday_, see www.example.org/freeze :tada: @ann'],
    ['code block (ts, 4 lines)', '```ts\nexport function add(a: number, b: number): number {\n  return a + b // simple\n}\n```'],
    ['2,000 chars: nested emphasis', fill('*a **b ***c ')],
    ['2,000 chars: brackets', fill('[a](')],
    ['2,000 chars: Markdown links', fill('[a](https://e.x/a) ')],
    ['2,000 chars: open brackets', fill('[')],
    ['2,000 chars: backticks', fill('``a`')],
    ['2,000 chars: quotes and lists', fill('> - 1. ')],
    ['2,000 chars: shortcodes and mentions', fill(':tada: @ann ')],
    ['2,000 chars: code block', `\`\`\`js\n${fill('const x = "a" + 1 // c\n').slice(0, MESSAGE_MAX - 12)}\n\`\`\``],
  ]
  for (const [, text] of cases) renderMarkdown(text) // warm up
  const rows = cases.map(([name, text]) => {
    const samples: number[] = []
    for (let i = 0; i < runs; i++) {
      const start = process.hrtime.bigint()
      renderMarkdown(text)
      samples.push(Number(process.hrtime.bigint() - start) / 1e6)
    }
    samples.sort((a, b) => a - b)
    return { 'case': name, 'chars': text.length, 'median ms': round(median(samples), 3), 'p99 ms': round(samples[Math.floor(samples.length * 0.99)] ?? Number.NaN, 3), 'max ms': round(samples.at(-1)!, 3) }
  })
  log(`markdown: renderMarkdown, ${runs} runs per case`)
  log(table(rows))
  const worst = Math.max(...rows.filter(r => r.case.startsWith('2,000')).map(r => r['p99 ms']))
  log(`summary: typical line ${rows[0]!['median ms']} ms, worst 2,000-character case p99 ${worst} ms`)
  report('markdown', { config: { runs, smoke }, summary: { typicalMedianMs: rows[0]!['median ms'], worstCaseP99Ms: worst }, cases: rows })
})
