import { guestName } from '#shared/utils/people'
import { closeAll } from '../support/sockets.ts'
import { connected, createRoom, expect, guest, hydrated, hydrationProblems, messageList, register, scriptUser, scriptUserInRoom, send, test, unique } from './fixtures.ts'

test.afterAll(() => closeAll())

test('two people chat both ways live, see each other typing, get unread badges and keep history after a reload', async ({ browser, app }) => {
  const ann = await register(browser, app.url)
  const guestPerson = await guest(browser, app.url)

  // Both see each other in the room's online list; a guest by a readable name ("Guest 4821").
  await ann.page.getByTestId('online-count').click()
  await expect(ann.page.getByTestId('online-list')).toContainText(guestName(guestPerson.username)!)
  // The guest's own sidebar names them the same way, not by their internal username.
  await expect(guestPerson.page.getByTestId('signed-in-as')).toHaveText(guestName(guestPerson.username)!)
  await ann.page.getByTestId('online-count').click()

  const hello = `Hello from ${ann.username}`
  await send(ann.page, hello)
  await expect(messageList(guestPerson.page)).toContainText(hello)
  const mine = messageList(ann.page).getByTestId('message').filter({ hasText: hello })
  await expect(mine).toHaveClass(/status-stored/)

  // Typing dots appear while the guest types and vanish when the message is sent.
  await guestPerson.page.locator('#composer-input').pressSequentially('Hi Ann', { delay: 20 })
  await expect(ann.page.getByTestId('typing-indicator')).toContainText(`${guestName(guestPerson.username)} is typing`)
  await expect(ann.page.locator('.typing-dots')).toBeVisible()
  await guestPerson.page.locator('#composer-input').press('Enter')
  await expect(messageList(ann.page)).toContainText('Hi Ann')
  await expect(ann.page.locator('.typing-dots')).toHaveCount(0)

  // A message in another room shows as an unread badge (and in the title) for Ann.
  await guestPerson.page.getByRole('link', { name: /Fargate/ }).click()
  await expect(guestPerson.page).toHaveURL(/\/rooms\/fargate$/)
  await connected(guestPerson.page)
  await send(guestPerson.page, 'Over here in fargate')
  const fargate = ann.page.locator('[data-room="fargate"]')
  await expect(fargate.getByTestId('unread-badge')).toHaveText('1')
  await expect(fargate).toContainText('Over here in fargate')
  await expect(ann.page).toHaveTitle('(1) General · Fargate Chat')

  // Reloading keeps the history, rendered by the server.
  await ann.page.reload()
  await hydrated(ann.page)
  await expect(messageList(ann.page)).toContainText(hello)
  await expect(messageList(ann.page)).toContainText('Hi Ann')
  await expect(messageList(ann.page).getByTestId('message').filter({ hasText: hello })).toHaveCount(1)
  // Ann has an account: the server keeps what she has read, so the badge survives the reload.
  await expect(fargate.getByTestId('unread-badge')).toHaveText('1')

  // Visiting the room clears its badge, for good.
  await fargate.click()
  await expect(ann.page).toHaveURL(/\/rooms\/fargate$/)
  await expect(messageList(ann.page)).toContainText('Over here in fargate')
  await expect(fargate.getByTestId('unread-badge')).toHaveCount(0)
  await expect(ann.page).toHaveTitle('Fargate · Fargate Chat')
  await ann.page.getByRole('link', { name: /General/ }).click()
  await expect(ann.page).toHaveURL(/\/rooms\/general$/)
  await ann.page.reload()
  await hydrated(ann.page)
  await expect(messageList(ann.page)).toContainText(hello)
  await expect(fargate.getByTestId('unread-badge')).toHaveCount(0)

  expect(hydrationProblems).toEqual([])
  await ann.context.close()
  await guestPerson.context.close()
})

// The next message's first key press reaches the others before the message just sent, which is
// relayed only once stored: its arrival must not end the typing that followed it.
test('someone who sends and at once starts the next message is still shown typing once that message arrives', async ({ browser, app }) => {
  const { user: alice, room } = await scriptUserInRoom(app.url, 'typing-on')
  const reader = await register(browser, app.url, `/rooms/${room}`)
  await connected(reader.page)
  const sent = alice.say(room, 'first of two')
  await alice.socket.emit('typing', room)
  await sent
  await expect(messageList(reader.page)).toContainText('first of two')
  await expect(reader.page.getByTestId('typing-indicator')).toContainText(`${alice.username} is typing`)
  await reader.context.close()
})

test('the room page HTML fetched without JavaScript already contains the latest messages', async ({ app }) => {
  const bot = await scriptUser(app.url)
  const room = await createRoom(bot.client, unique('nojs'), 'Read without scripts')
  await bot.say(room, 'First <b>plain</b> words')
  await bot.say(room, 'Second line\nwith a newline')
  const response = await fetch(`${app.url}/rooms/${room}`, { headers: { cookie: bot.client.cookieHeader, accept: 'text/html' } })
  expect(response.status).toBe(200)
  const html = await response.text()
  expect(html).toContain('First &lt;b&gt;plain&lt;/b&gt; words')
  expect(html).toContain('Second line<br>\nwith a newline') // Markdown: a line break as typed
  expect(html).toContain(`data-room="${room}"`)
  expect(html).toContain(`<title>${room} · Fargate Chat</title>`)
})

test('an unknown room offers to create it and an invalid room id is a 404 page', async ({ browser, app }) => {
  // Only accounts create rooms (guests are refused with 403).
  const person = await register(browser, app.url)
  const room = unique('fresh')
  await person.page.goto(`/rooms/${room}`)
  await hydrated(person.page)
  await expect(person.page.getByText(`There is no room #${room} that you can open`)).toBeVisible()
  await expect(person.page.getByText('Nobody has made it yet')).toBeVisible()
  await person.page.getByRole('button', { name: `Create #${room}` }).click()
  await connected(person.page)
  await expect(person.page.getByTestId('room-title')).toContainText(room)
  await send(person.page, 'First!')
  await expect(messageList(person.page).getByTestId('message').filter({ hasText: 'First!' })).toHaveClass(/status-stored/)

  const response = await person.page.goto('/rooms/Not_A_Room!')
  expect(response?.status()).toBe(404)
  await expect(person.page.getByRole('heading', { name: 'This page does not exist' })).toBeVisible()
  await person.context.close()
})

test('markup in a message is shown as plain text and runs nothing', async ({ browser, app }) => {
  const { user: bot, room } = await scriptUserInRoom(app.url, 'xss')
  const person = await guest(browser, app.url, `/rooms/${room}`)
  const dialogs: string[] = []
  person.page.on('dialog', (dialog) => {
    dialogs.push(dialog.message())
    void dialog.dismiss()
  })
  const script = '<script>window.__xss = 1; alert(1)</script>'
  const image = '<img src=x onerror="window.__xss = 2; alert(2)">'
  await bot.say(room, script)
  await bot.say(room, image)
  await send(person.page, 'See https://example.com/docs?a=1 and <b>bold</b>')
  await expect(messageList(person.page)).toContainText(script)
  await expect(messageList(person.page)).toContainText(image)
  await expect(messageList(person.page).locator('img[src="x"], script, b')).toHaveCount(0)
  const link = messageList(person.page).getByRole('link', { name: 'https://example.com/docs?a=1' })
  await expect(link).toHaveAttribute('href', 'https://example.com/docs?a=1')
  await expect(link).toHaveAttribute('rel', 'noopener noreferrer nofollow')
  await expect(link).toHaveAttribute('target', '_blank')

  // The same after a reload, when the server renders them.
  await person.page.reload()
  await hydrated(person.page)
  await expect(messageList(person.page)).toContainText(image)
  await expect(messageList(person.page).locator('img[src="x"], script')).toHaveCount(0)
  expect(await person.page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined()
  expect(dialogs).toEqual([])
  await person.context.close()
})

test('scrolling up loads older messages in order without duplicates', async ({ browser, app }) => {
  const bot = await scriptUser(app.url)
  const room = await createRoom(bot.client, unique('long'), '150 messages')
  const texts = Array.from({ length: 150 }, (_, i) => `Message ${String(i + 1).padStart(3, '0')}`)
  for (const text of texts) await bot.say(room, text)

  const person = await guest(browser, app.url, `/rooms/${room}`)
  const list = messageList(person.page)
  await expect(list.getByTestId('message').last()).toContainText('Message 150')
  // The server sent the latest page only.
  await expect(list.getByTestId('message')).toHaveCount(50)

  // Scroll to the top repeatedly until the beginning of the room shows.
  const beginning = person.page.getByText(`This is the beginning of ${room}.`)
  for (let i = 0; i < 10 && !await beginning.isVisible(); i++) {
    const held = await list.getByTestId('message').count()
    await list.evaluate((el) => { el.scrollTop = 0 })
    // Each scroll to the top brings one older page, or the beginning.
    await expect.poll(async () => await beginning.isVisible() || await list.getByTestId('message').count() > held).toBe(true)
    await expect(person.page.getByTestId('loading-older')).toHaveCount(0)
  }
  await expect(beginning).toBeVisible()
  const shown = await list.locator('[data-testid="message"] .message-text').allTextContents()
  expect(shown).toEqual(texts)
  await person.context.close()
})

test('loading older messages keeps the messages on screen in place', async ({ browser, app }) => {
  const { user: bot, room } = await scriptUserInRoom(app.url, 'steady')
  for (let i = 1; i <= 120; i++) await bot.say(room, `Line ${i}`)
  const person = await guest(browser, app.url, `/rooms/${room}`)
  const list = messageList(person.page)
  await expect(list.getByTestId('message')).toHaveCount(50)
  // Scroll so that "Line 75" sits near the top, which loads the older page above it.
  const anchor = list.getByTestId('message').filter({ hasText: /^Line 75$/ })
  const before = await anchor.evaluate((el) => {
    const scroller = el.closest('[data-testid="message-list"]') as HTMLElement
    scroller.scrollTop += el.getBoundingClientRect().top - scroller.getBoundingClientRect().top - 300
    return el.getBoundingClientRect().top
  })
  await expect(list.getByTestId('message')).toHaveCount(100)
  // The list puts the anchor back on the next two frames: wait for those, then it must stay put.
  await person.page.evaluate(() => new Promise(resolve => requestAnimationFrame(() => requestAnimationFrame(() => requestAnimationFrame(resolve)))))
  const after = await anchor.evaluate(el => el.getBoundingClientRect().top)
  expect(Math.abs(after - before)).toBeLessThan(4)
  await person.context.close()
})
