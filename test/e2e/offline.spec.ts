import { connected, expect, guest, hydrated, messageList, register, scriptUserInRoom, send, test, unique } from './fixtures.ts'
import { startRealtimeSwitchProxy } from './websocket-blocking-proxy.ts'

test('messages written offline wait with their client ids, survive a reload and go out once each, in order, when the connection is back', async ({ browser, app }) => {
  // Ann's pages come through a proxy that can keep her realtime connection away while pages load.
  const proxy = await startRealtimeSwitchProxy(app.url)
  const ann = await guest(browser, proxy.url)
  const bob = await guest(browser, app.url)
  const texts = [unique('offline-first'), unique('offline-second'), unique('offline-third')]

  await ann.context.setOffline(true)
  await expect(ann.page.getByTestId('connection-banner')).toBeVisible()
  await send(ann.page, texts[0]!)
  await send(ann.page, texts[1]!)
  const waiting = messageList(ann.page).locator('[data-testid="message"].status-queued')
  await expect(waiting).toHaveCount(2)
  await expect(waiting.first()).toContainText('Sends when the connection is back')
  const clientIds = await waiting.evaluateAll(rows => rows.map(row => row.getAttribute('data-client-id')))
  for (const id of clientIds) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)

  // The network is back but the realtime connection is not: the page reloads, and what waited still waits.
  proxy.block()
  await ann.context.setOffline(false)
  await ann.page.reload()
  await hydrated(ann.page)
  await expect(waiting).toHaveCount(2)
  expect(await waiting.evaluateAll(rows => rows.map(row => row.getAttribute('data-client-id')))).toEqual(clientIds)
  await send(ann.page, texts[2]!)
  await expect(waiting).toHaveCount(3)

  proxy.unblock()
  await connected(ann.page)
  for (const page of [ann.page, bob.page]) {
    for (const text of texts) await expect(messageList(page).getByTestId('message').filter({ hasText: text })).toHaveCount(1)
  }
  await expect(waiting).toHaveCount(0)
  // In the order typed, as stored, and each under the client id it waited with.
  const stored = messageList(bob.page).getByTestId('message').filter({ hasText: /offline-(first|second|third)/ })
  await expect(stored).toHaveText(texts.map(text => new RegExp(text)))
  const sentIds = await messageList(ann.page).getByTestId('message').filter({ hasText: /offline-(first|second)/ }).evaluateAll(rows => rows.map(row => row.getAttribute('data-client-id')))
  expect(sentIds).toEqual(clientIds)
  await ann.context.close()
  await bob.context.close()
  await proxy.stop()
})

test('a message refused when the connection comes back says why, with Retry and Delete; edits say plainly that they need the connection', async ({ browser, app }) => {
  const { user: owner, room } = await scriptUserInRoom(app.url, 'outbox')
  const ann = await register(browser, app.url, `/rooms/${room}`)
  await send(ann.page, 'Written while connected')
  const mine = messageList(ann.page).getByTestId('message').filter({ hasText: 'Written while connected' })
  await expect(mine).toHaveClass(/status-stored/)

  await ann.context.setOffline(true)
  await expect(ann.page.getByTestId('connection-banner')).toBeVisible()
  // An edit needs the connection: the composer says so instead of pretending.
  await ann.page.locator('#composer-input').press('ArrowUp')
  await ann.page.locator('#composer-input').fill('Edited while offline')
  await ann.page.locator('#composer-input').press('Enter')
  await expect(ann.page.getByTestId('composer').getByRole('alert')).toContainText('needs the connection')
  await ann.page.locator('#composer-input').press('Escape')

  await send(ann.page, 'Written while the room gets archived')
  expect((await owner.client.request(`/api/rooms/${room}`, { method: 'PATCH', body: { archived: true } })).status).toBe(200)
  await ann.context.setOffline(false)
  const refused = messageList(ann.page).getByTestId('message').filter({ hasText: 'Written while the room gets archived' })
  await expect(refused).toHaveClass(/status-failed/)
  await expect(refused.getByRole('alert')).toContainText('archived')
  await expect(refused.getByRole('button', { name: 'Retry' })).toBeVisible()
  await refused.getByRole('button', { name: 'Delete' }).click()
  await expect(refused).toHaveCount(0)
  await expect(mine).toContainText('Written while connected')
  await ann.context.close()
})
