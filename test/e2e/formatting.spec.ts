import { displayNameOf } from '../../shared/utils/people.ts'
import { connected, expect, guest, hydrated, hydrationProblems, messageList, newPerson, scriptUserInRoom, send, test } from './fixtures.ts'

test('a code block sent on one instance shows highlighted on the other, live and after a reload', async ({ browser, cluster }) => {
  const ann = await guest(browser, cluster.one)
  const bob = await guest(browser, cluster.two)
  await ann.page.locator('#composer-input').fill('Try **this**:\n```ts\nconst answer: number = 42\n```')
  await ann.page.locator('#composer-input').press('Enter')
  const message = messageList(bob.page).getByTestId('message').filter({ hasText: 'const answer' })
  await expect(message.locator('strong')).toHaveText('this')
  await expect(message.locator('pre code.language-ts .hljs-keyword')).toHaveText('const')
  await expect(message.locator('pre code .hljs-number')).toHaveText('42')
  // The sender's own line shows the server's rendering once the send is acknowledged.
  await expect(messageList(ann.page).getByTestId('message').filter({ hasText: 'const answer' }).locator('pre code.language-ts .hljs-keyword')).toHaveText('const')
  // Screen readers hear the words, not the Markdown around them.
  await expect(bob.page.getByTestId('live-region')).toHaveText(`${displayNameOf(ann.username)}: Try this: const answer: number = 42`)
  // The server's HTML has the same markup, and hydrating it raises no mismatch.
  await bob.page.reload()
  await hydrated(bob.page)
  await expect(message.locator('pre code.language-ts .hljs-keyword')).toHaveText('const')
  expect(hydrationProblems).toEqual([])
  await ann.context.close()
  await bob.context.close()
})

test('a copied message link opened in a fresh browser lands on the message, highlighted, and stays live', async ({ browser, app }) => {
  test.setTimeout(120_000)
  const { user: bot, room } = await scriptUserInRoom(app.url, 'links')
  for (let i = 1; i <= 120; i++) await bot.say(room, `Numbered message ${i}`)

  // Ann copies the link of message 20 (long scrolled away: she loads older pages to reach it).
  const ann = await guest(browser, app.url, `/rooms/${room}`)
  await ann.context.grantPermissions(['clipboard-read', 'clipboard-write'])
  const list = messageList(ann.page)
  const target = list.locator('.message-row').filter({ has: ann.page.getByText('Numbered message 20', { exact: true }) })
  await expect.poll(async () => {
    await list.evaluate((el) => { el.scrollTop = 0 })
    return target.count()
  }, { timeout: 30_000 }).toBe(1)
  await expect(list.getByText('This is the beginning of')).toBeVisible()
  await target.scrollIntoViewIfNeeded()
  // The message's actions (Copy link among them) show while the pointer is over it.
  await target.locator('.message-body').hover()
  await target.getByTestId('copy-link').click()
  await expect(target.getByTestId('copy-link')).toHaveText('Link copied')
  const link = await ann.page.evaluate(() => navigator.clipboard.readText())
  expect(link).toMatch(new RegExp(`^${app.url}/rooms/${room}\\?m=\\d{13}:[0-9a-f]{16}$`))

  // Someone else opens it in a fresh browser: signs in as a guest and comes back to the link.
  const { context, page } = await newPerson(browser, app.url)
  await page.goto(link)
  await hydrated(page)
  await page.getByRole('button', { name: 'Continue as guest' }).click()
  await expect(page).toHaveURL(link)
  await connected(page)
  const row = messageList(page).locator('.message-row.highlighted')
  await expect(row).toHaveCount(1)
  await expect(row).toContainText('Numbered message 20')
  await expect(row).toBeInViewport()
  // The server rendered the page around it: the message, some before and after, highlighted.
  const html = await (await page.request.get(link)).text()
  const id = new URL(link).searchParams.get('m')!
  const rendered = (text: string) => html.includes(`<p>${text}</p>`)
  expect(html.match(new RegExp(`class="([^"]*)"[^>]*data-key="${id}"`))?.[1]?.split(' ')).toContain('highlighted')
  expect([rendered('Numbered message 5'), rendered('Numbered message 20'), rendered('Numbered message 40'), rendered('Numbered message 120')]).toEqual([true, true, true, false])

  // Scrolling down reaches the present, and from there new messages arrive live.
  await expect.poll(async () => {
    await messageList(page).evaluate((el) => { el.scrollTop = el.scrollHeight })
    return messageList(page).getByText('Numbered message 120', { exact: true }).count()
  }, { timeout: 30_000 }).toBe(1)
  await bot.say(room, 'Said after the link was opened')
  await expect(messageList(page).getByText('Said after the link was opened')).toBeVisible()
  const shown = await messageList(page).locator('[data-testid="message"] .message-text').allTextContents()
  expect(shown.slice(-3)).toEqual(['Numbered message 119', 'Numbered message 120', 'Said after the link was opened'])
  await context.close()
  await ann.context.close()
  bot.socket.disconnect()
})

test('a link to a message that does not exist shows the room with a notice', async ({ browser, app }) => {
  const { user: bot, room } = await scriptUserInRoom(app.url, 'gone')
  await bot.say(room, 'Still here')
  const person = await guest(browser, app.url, `/rooms/${room}`)
  await person.page.goto(`/rooms/${room}?m=1700000000000:0000000000000000`)
  await connected(person.page)
  await expect(person.page.getByTestId('link-missing')).toContainText(`The message this link points to is not in #${room}`)
  await expect(messageList(person.page)).toContainText('Still here')
  await send(person.page, 'Answered anyway')
  await expect(messageList(person.page).getByTestId('message').filter({ hasText: 'Answered anyway' })).toHaveClass(/status-stored/)
  await person.context.close()
  bot.socket.disconnect()
})

test('on a phone, a visible switch makes Enter add lines, Send sends, and a paste cut at the limit is told', async ({ browser, app }) => {
  const { user: bot, room } = await scriptUserInRoom(app.url, 'phone')
  const phone = await guest(browser, app.url, `/rooms/${room}`, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })
  const input = phone.page.locator('#composer-input')
  const toggle = phone.page.getByRole('switch', { name: 'Enter adds a line' })
  await expect(toggle).toBeVisible()
  await expect(input).toHaveAttribute('enterkeyhint', 'send')
  await toggle.check()
  await expect(input).toHaveAttribute('enterkeyhint', 'enter')
  const before = (await input.boundingBox())!.height
  await input.pressSequentially('line one')
  await input.press('Enter')
  await input.pressSequentially('line two')
  await input.press('Enter')
  await input.pressSequentially('line three')
  await expect(input).toHaveValue('line one\nline two\nline three')
  // The field grows with its lines.
  expect((await input.boundingBox())!.height).toBeGreaterThan(before)
  await phone.page.getByRole('button', { name: 'Send' }).tap()
  const sent = messageList(phone.page).getByTestId('message').filter({ hasText: 'line one' })
  await expect(sent).toHaveClass(/status-stored/)
  expect(await sent.locator('.message-text').textContent()).toBe('line one\nline two\nline three')
  await expect(input).toHaveValue('')

  // The choice is remembered; switched back, Enter sends again.
  await phone.page.reload()
  await connected(phone.page)
  await expect(toggle).toBeChecked()
  await toggle.uncheck()
  await input.pressSequentially('sent with Enter')
  await input.press('Enter')
  await expect(messageList(phone.page).getByTestId('message').filter({ hasText: 'sent with Enter' })).toHaveClass(/status-stored/)

  // A paste that does not fit is cut at 2,000 characters, and the composer says so.
  await input.fill('x'.repeat(1990))
  await input.evaluate((el: HTMLTextAreaElement) => {
    const data = new DataTransfer()
    data.setData('text/plain', 'y'.repeat(50))
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }))
  })
  await expect(phone.page.getByTestId('paste-cut')).toHaveText('The paste was cut at the 2,000-character limit: its last 40 characters were left out.')
  await expect(input).toHaveValue(`${'x'.repeat(1990)}${'y'.repeat(10)}`)
  await input.press('Backspace')
  await expect(phone.page.getByTestId('paste-cut')).toHaveCount(0)
  await phone.context.close()
  bot.socket.disconnect()
})
