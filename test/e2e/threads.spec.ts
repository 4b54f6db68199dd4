import type { Page } from '@playwright/test'
import type { WireMessage } from '#shared/types/socket'
import { call, closeAll } from '../support/sockets.ts'
import { connected, createRoom, expect, messageList, scriptUser, scriptUserInRoom, seriousViolations, signedIn, test, unique } from './fixtures.ts'

test.afterAll(() => closeAll())

/** Console errors, page errors and hydration warnings of a page from now on. */
function problemsOf(page: Page): string[] {
  const found: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error' || /hydration/i.test(message.text())) found.push(`${message.type()}: ${message.text()}`)
  })
  page.on('pageerror', error => found.push(error.message))
  return found
}

test('a thread opened from a message\'s actions takes a reply that reaches the other browser\'s panel and the summary under the parent, live', async ({ browser, cluster }) => {
  const alice = await scriptUser(cluster.one, unique('alice').slice(0, 24), 'Alice Andersen')
  const bob = await scriptUser(cluster.two, unique('bob').slice(0, 24), 'Bob Berg')
  const room = await createRoom(alice.client, unique('thr'))
  expect((await call(bob.socket, 'join room', room))[0]).toBeNull()
  const parent = await alice.say(room, 'Shall we ship on Friday?')

  const ann = await signedIn(browser, cluster.one, alice.client)
  await ann.page.goto(`/rooms/${room}`)
  await connected(ann.page)
  const ben = await signedIn(browser, cluster.two, bob.client)
  await ben.page.goto(`/rooms/${room}`)
  await connected(ben.page)

  // Ben opens the thread from the message's actions.
  const message = messageList(ben.page).locator(`[data-id="${parent.message}"]`)
  await message.hover()
  await ben.page.getByRole('button', { name: 'Reply in thread' }).click()
  const bensPanel = ben.page.getByTestId('thread-panel')
  await expect(bensPanel).toContainText('Shall we ship on Friday?')
  await expect(bensPanel.getByTestId('thread-count')).toHaveText('No replies yet')

  // Ann replies from her panel, "also sent to the room".
  await messageList(ann.page).locator(`[data-id="${parent.message}"]`).hover()
  await ann.page.getByRole('button', { name: 'Reply in thread' }).click()
  const annsPanel = ann.page.getByTestId('thread-panel')
  await expect(annsPanel.getByTestId('composer')).toHaveAttribute('data-connection', 'connected')
  await annsPanel.getByRole('textbox', { name: 'Reply in the thread' }).fill('Friday works for me')
  await annsPanel.getByRole('textbox', { name: 'Reply in the thread' }).press('Enter')
  await expect(annsPanel.getByTestId('thread-message').filter({ hasText: 'Friday works for me' })).toHaveCount(1)

  // Live on the other instance: in the panel, and as the summary under the parent.
  await expect(bensPanel.getByTestId('thread-message').filter({ hasText: 'Friday works for me' })).toHaveCount(1)
  await expect(bensPanel.getByTestId('thread-count')).toHaveText('1 reply')
  const summary = messageList(ben.page).getByTestId('thread-summary')
  await expect(summary).toContainText('1 reply')
  await expect(summary).toContainText('last reply just now')
  // Not in the room's stream.
  await expect(messageList(ben.page)).not.toContainText('Friday works for me')

  // "Also send to #room": in the thread and in the room.
  await bensPanel.getByTestId('also-to-room').check()
  await bensPanel.getByRole('textbox', { name: 'Reply in the thread' }).fill('See you all then')
  await bensPanel.getByRole('textbox', { name: 'Reply in the thread' }).press('Enter')
  await expect(messageList(ann.page)).toContainText('See you all then')
  await expect(annsPanel.getByTestId('thread-message').filter({ hasText: 'See you all then' })).toHaveCount(1)
  await expect(messageList(ann.page).getByTestId('thread-summary')).toContainText('2 replies')
  await ann.context.close()
  await ben.context.close()
})

test('a link to a reply opens the room with the thread panel at the reply, rendered by the server with no hydration warning', async ({ browser, app }) => {
  const { user: alice, room } = await scriptUserInRoom(app.url, 'link')
  const parent = await alice.say(room, 'The parent of the thread')
  const [err, reply] = await call<WireMessage>(alice.socket, 'new message', { room, message: 'The linked reply', thread: parent.message })
  expect(err).toBeNull()

  const { context, page } = await signedIn(browser, app.url, alice.client)
  const problems = problemsOf(page)
  const response = await page.goto(`/rooms/${room}?m=${encodeURIComponent(reply.message)}`)
  const html = await response!.text()
  // The server's HTML already holds the panel at the reply.
  expect(html).toContain('data-testid="thread-panel"')
  expect(html).toContain('The linked reply')
  await connected(page)
  const panel = page.getByTestId('thread-panel')
  await expect(panel.locator(`[data-id="${reply.message}"]`)).toHaveClass(/highlighted/)
  await expect(panel).toContainText('The parent of the thread')
  await expect(messageList(page).locator(`[data-id="${parent.message}"]`)).toBeVisible()
  expect(problems).toEqual([])
  // The panel, with the room beside it, passes axe-core with no serious violation.
  expect(await seriousViolations(page)).toEqual([])
  // On a phone the thread takes the whole screen, and Close goes back to the room.
  await page.setViewportSize({ width: 360, height: 740 })
  await expect.poll(async () => (await panel.boundingBox())?.width).toBe(360)
  await panel.getByTestId('thread-close').click()
  await expect(panel).toHaveCount(0)
  await expect(messageList(page).locator(`[data-id="${parent.message}"]`)).toBeVisible()
  await context.close()
})

test('the Threads view lists a followed thread with unread replies first, and the sidebar counts it', async ({ browser, app }) => {
  const [alice, bob] = [await scriptUser(app.url), await scriptUser(app.url)]
  const room = await createRoom(alice.client, unique('fol'))
  expect((await call(bob.socket, 'join room', room))[0]).toBeNull()
  const parent = await alice.say(room, 'Who has the keys?')

  const { context, page } = await signedIn(browser, app.url, alice.client)
  await page.goto(`/rooms/${room}`)
  await connected(page)
  // Bob answers in the thread: Alice, the parent's author, follows it and has one unread reply.
  expect((await call(bob.socket, 'new message', { room, message: 'I do', thread: parent.message }))[0]).toBeNull()
  await expect(page.getByTestId('threads-badge')).toContainText('1')

  await page.getByTestId('threads-link').click()
  const item = page.getByTestId('followed-thread').first()
  await expect(item).toContainText('Who has the keys?')
  await expect(item).toContainText('1 new')
  await expect(item).toHaveAttribute('data-unread', '1')
  // Opening it reads it.
  await item.getByRole('link').click()
  await expect(page.getByTestId('thread-panel')).toContainText('I do')
  await expect(page.getByTestId('threads-badge')).toHaveCount(0)
  await context.close()
})
