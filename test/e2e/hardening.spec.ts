import { closeAll } from '../support/sockets.ts'
import { connected, createRoom, expect, guest, hydrated, messageList, newPerson, register, scriptUser, scriptUserInRoom, send, test, unique } from './fixtures.ts'
import { startWebsocketBlockingProxy } from './websocket-blocking-proxy.ts'

test.afterAll(() => closeAll())

test('switching rooms back and forth posts no "joined" or "left" notices into the conversation', async ({ browser, app }) => {
  const { room } = await scriptUserInRoom(app.url, 'quiet')
  const ann = await guest(browser, app.url, `/rooms/${room}`)
  const bob = await guest(browser, app.url, `/rooms/${room}`)
  await expect(ann.page.getByTestId('online-count')).toContainText('2 here')
  for (let i = 0; i < 4; i++) {
    await bob.page.getByRole('link', { name: /^General/ }).click()
    await expect(ann.page.getByTestId('online-count')).toContainText('1 here')
    await bob.page.getByRole('link', { name: new RegExp(`^${room}`) }).click()
    await expect(ann.page.getByTestId('online-count')).toContainText('2 here')
  }
  // The online list shows who is looking; the conversation only what was said.
  await send(bob.page, 'Back for good')
  await expect(messageList(ann.page)).toContainText('Back for good')
  await expect(messageList(ann.page)).not.toContainText('joined the room')
  await expect(messageList(ann.page)).not.toContainText('left the room')
  await ann.context.close()
  await bob.context.close()
})

test('the server renders message times in the reader\'s time zone once the browser has told it', async ({ browser, app }) => {
  const { user: bot, room } = await scriptUserInRoom(app.url, 'zone')
  const said = await bot.say(room, 'What time is it there?')
  // UTC+14: every time of day differs from the server's UTC.
  const zone = { timezoneId: 'Pacific/Kiritimati', locale: 'en-GB' }
  const expected = new Intl.DateTimeFormat('en-GB', { hour: 'numeric', minute: '2-digit', timeZone: zone.timezoneId }).format(said.time)
  const person = await guest(browser, app.url, `/rooms/${room}`, zone)
  const meta = messageList(person.page).locator('.message-meta time')
  await expect(meta).toHaveText(expected)
  await expect.poll(async () => decodeURIComponent((await person.context.cookies()).find(c => c.name === 'time-zone')?.value ?? '')).toBe(zone.timezoneId)

  // The HTML itself, before any script runs, already has the reader's time.
  const response = await person.page.request.get(`/rooms/${room}`, { headers: { 'accept': 'text/html', 'accept-language': 'en-GB' } })
  const html = await response.text()
  expect(html).toMatch(new RegExp(`<time[^>]*>${expected}</time>`))
  await person.context.close()
})

test('a Gravatar that fails to load falls back to the initials avatar', async ({ browser, app }) => {
  const { context, page } = await newPerson(browser, app.url)
  await context.route('https://www.gravatar.com/**', route => route.abort())
  const username = unique('grav').slice(0, 32)
  await page.goto('/login')
  await hydrated(page)
  await page.getByRole('tab', { name: 'Create account' }).click()
  await page.getByLabel('Username').fill(username)
  await page.getByLabel('Password').fill('correct horse battery')
  await page.getByLabel('Email').fill(`${username}@example.com`)
  await page.getByLabel(/Show my Gravatar/).check()
  await page.getByRole('button', { name: 'Create account' }).last().click()
  await connected(page)
  const avatar = page.locator('.sidebar-user img')
  await expect(avatar).toHaveAttribute('src', /\/api\/avatars\//)
  await expect.poll(() => avatar.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0)
  // Also when the server rendered the Gravatar and it failed before the page was hydrated.
  await page.reload()
  await hydrated(page)
  await expect(avatar).toHaveAttribute('src', /\/api\/avatars\//)
  await expect.poll(() => avatar.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0)
  await context.close()
})

test('behind a proxy that refuses websockets the chat falls back to long-polling and still works', async ({ browser, app }) => {
  const proxy = await startWebsocketBlockingProxy(app.url)
  try {
    const room = await createRoom((await scriptUser(app.url)).client, unique('polling'))
    const person = await guest(browser, proxy.url, `/rooms/${room}`)
    await send(person.page, 'Sent over long-polling')
    await expect(messageList(person.page).getByTestId('message').filter({ hasText: 'Sent over long-polling' })).toHaveClass(/status-stored/)
    expect(proxy.refusedUpgrades()).toBeGreaterThan(0)
    await person.context.close()
  }
  finally {
    await proxy.stop()
  }
})

test('a guest is not offered a room creation the server would refuse; an account is', async ({ browser, app }) => {
  const visitor = await guest(browser, app.url)
  await expect(visitor.page.getByTestId('room-list')).toBeVisible()
  await expect(visitor.page.getByTestId('new-room')).toHaveCount(0)
  const member = await register(browser, app.url)
  await expect(member.page.getByTestId('new-room')).toBeVisible()
  await Promise.all([visitor.context.close(), member.context.close()])
})
