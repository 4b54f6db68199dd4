// Search freshness: how long after its acknowledgement a message can be found. A prober sends
// messages carrying one shared word and a token of their own through the HTTP API (answered once
// stored: the acknowledgement), and searches for the shared word every `pollMs`; a probe is findable
// when a search first returns it. Resolution: the poll interval.
import { randomBytes } from 'node:crypto'
import { sleep } from './cli.ts'

const WORD = 'freshnessprobe'

export async function probeFreshness(url: string, cookie: string, options: { room: string, durationMs: number, perSecond: number, pollMs?: number, timeoutMs?: number }): Promise<{ lagsMs: number[], unfound: number }> {
  const pollMs = options.pollMs ?? 50
  const headers = { 'accept': 'application/json', 'content-type': 'application/json', cookie }
  const acked = new Map<string, number>()
  const lagsMs: number[] = []
  let sentAll: number | undefined

  const sender = (async () => {
    const end = performance.now() + options.durationMs
    try {
      while (performance.now() < end) {
        const token = `p${randomBytes(6).toString('hex')}`
        const response = await fetch(`${url}/api/rooms/${options.room}/messages`, { method: 'POST', headers, body: JSON.stringify({ text: `${WORD} ${token}` }) })
        if (response.status !== 201) throw new Error(`probe send answered ${response.status}: ${await response.text()}`)
        acked.set(token, performance.now())
        await sleep(1000 / options.perSecond)
      }
    }
    finally {
      sentAll = performance.now()
    }
  })()

  // Polls until every probe is found, or `timeoutMs` after the last was sent.
  const poller = (async () => {
    while (sentAll === undefined || (acked.size && performance.now() < sentAll + (options.timeoutMs ?? 10_000))) {
      const response = await fetch(`${url}/api/search?q=${WORD}&limit=50`, { headers })
      const found = performance.now()
      const page = await response.json() as { messages?: { content: { text: string } }[] }
      for (const message of page.messages ?? []) {
        const token = message.content.text.split(' ')[1]!
        const at = acked.get(token)
        if (at === undefined) continue
        lagsMs.push(found - at)
        acked.delete(token)
      }
      await sleep(pollMs)
    }
  })()
  await Promise.all([sender, poller])
  return { lagsMs, unfound: acked.size }
}
