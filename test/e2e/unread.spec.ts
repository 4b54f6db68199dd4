import { call } from '../support/sockets.ts'
import { createRoom, expect, hydrated, hydrationProblems, messageList, scriptUser, scriptUserInRoom, seriousViolations, signedIn, test, unique } from './fixtures.ts'

test('a room read on one instance opens on the other with "New messages" above the first unread, rendered by the server, and Escape marks it read', async ({ browser, cluster }) => {
  const ann = await scriptUser(cluster.one, unique('ann').slice(0, 24), 'Ann Archer')
  const bob = await scriptUser(cluster.two, unique('bob').slice(0, 24), 'Bob Berg')
  const room = await createRoom(bob.client, unique('Unread'))
  expect((await call(bob.socket, 'join room', room))[0]).toBeNull()
  await bob.say(room, 'already seen by Ann')
  // Ann reads the room in a tab on the first instance, then closes it.
  const first = await signedIn(browser, cluster.one, ann.client)
  await first.page.goto(`/rooms/${room}`)
  await hydrated(first.page)
  await expect(messageList(first.page)).toContainText('already seen by Ann')
  await expect(first.page.getByTestId('unread-divider')).toHaveCount(0)
  await expect.poll(async () => (await ann.client.get(`/api/rooms/${room}/read-marker`)).json.marker).toMatch(/^\d{13}:/)
  await first.context.close()

  await bob.say(room, 'first thing Ann missed')
  await bob.say(room, 'second thing Ann missed')
  const html = await (await ann.client.request(`/rooms/${room}`, { headers: { accept: 'text/html' } })).text
  const at = html.indexOf('data-testid="unread-divider"')
  expect(at).toBeGreaterThan(html.indexOf('already seen by Ann'))
  expect(at).toBeLessThan(html.indexOf('first thing Ann missed'))

  hydrationProblems.length = 0
  const second = await signedIn(browser, cluster.two, ann.client)
  await second.page.goto(`/rooms/${room}`)
  await hydrated(second.page)
  const divider = second.page.getByTestId('unread-divider')
  await expect(divider).toHaveText('New messages')
  await expect(divider).toBeInViewport()
  // On screen: no bar to jump to it.
  await expect(second.page.getByTestId('unread-bar')).toHaveCount(0)
  const below = await divider.evaluate(el => el.nextElementSibling?.textContent ?? '')
  expect(below).toContain('first thing Ann missed')
  expect(hydrationProblems).toEqual([])

  await messageList(second.page).focus()
  await second.page.keyboard.press('Escape')
  await expect(divider).toHaveCount(0)
  const newest = (await bob.client.get(`/api/rooms/${room}/messages?limit=1`)).json.messages[0]!.id
  await expect.poll(async () => (await ann.client.get(`/api/rooms/${room}/read-marker`)).json.marker).toBe(newest)
  await second.context.close()
})

test('with more unread than a page, a bar offers to jump to the first unread, loads older messages to reach it, and marks the room read', async ({ browser, app }) => {
  const ann = await scriptUser(app.url)
  const { user: bob, room } = await scriptUserInRoom(app.url, 'Busy')
  expect((await call(bob.socket, 'join room', room))[0]).toBeNull()
  const seen = await bob.say(room, 'the last one Ann read')
  expect((await call(ann.socket, 'mark read', { room, message: seen.message }))[0]).toBeNull()
  for (let i = 1; i <= 60; i++) await bob.say(room, `missed ${i}`)

  const { context, page } = await signedIn(browser, app.url, ann.client)
  await page.goto(`/rooms/${room}`)
  await hydrated(page)
  const bar = page.getByTestId('unread-bar')
  // The first page holds 50 of the 60: the first unread is further back.
  await expect(bar).toContainText('50+ new messages')
  expect(await seriousViolations(page)).toEqual([])
  await bar.getByRole('button', { name: 'Jump to first unread' }).click()
  const divider = page.getByTestId('unread-divider')
  await expect(divider).toBeInViewport()
  expect(await divider.evaluate(el => el.nextElementSibling?.textContent ?? '')).toContain('missed 1')
  await expect(bar).toHaveCount(0)

  // Scrolled away from it, the bar comes back; Mark as read takes both away.
  await messageList(page).evaluate((el) => { el.scrollTop = el.scrollHeight })
  await expect(bar).toContainText('60 new messages')
  await bar.getByRole('button', { name: 'Mark as read' }).click()
  await expect(bar).toHaveCount(0)
  await expect(divider).toHaveCount(0)
  await context.close()
})
