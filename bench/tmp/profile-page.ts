import { Agent, request } from 'node:http'
import { app, database, log, main } from '../lib/common.ts'
import { guestCookie, seed } from '../lib/session.ts'

main('profile-page', 5 * 60_000, async () => {
  const db = await database()
  const server = await app({ dynamodbEndpoint: db.endpoint, env: { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${process.argv[2] ?? '/tmp/prof-page'}` } })
  await seed(server.url, 'general', 50)
  const cookie = await guestCookie(server.url)
  const agent = new Agent({ keepAlive: true, maxSockets: 4 })
  const { hostname, port } = new URL(server.url)
  const path = process.argv[3] ?? '/rooms/general'
  let n = 0
  const deadline = performance.now() + 10_000
  const one = () => new Promise<void>(resolve => request({ host: hostname, port, path, agent, headers: { cookie, accept: 'text/html' } }, (res) => { res.resume(); res.on('end', () => resolve()) }).end())
  await Promise.all(Array.from({ length: 4 }, async () => { while (performance.now() < deadline) { await one(); n++ } }))
  log(`${n} requests in 10 s: ${n / 10}/s`)
  await server.stop()
  await db.stop()
})
