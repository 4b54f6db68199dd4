import { mkdirSync } from 'node:fs'
import { closeAll } from '../support/sockets.ts'
import { connected, createRoom, expect, guest, hydrated, hydrationProblems, messageList, register, scriptUser, scriptUserInRoom, send, seriousViolations, test, unique } from './fixtures.ts'

test.afterAll(() => closeAll())

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 }
const SCREENSHOTS = 'test-results/screenshots'

test('on a phone-sized screen the rooms menu opens and switches rooms', async ({ browser, app }) => {
  const person = await guest(browser, app.url, '/rooms/general', PHONE)
  const { page } = person
  const menu = page.locator('#rooms-menu')
  await expect(menu).toBeHidden()
  await page.getByRole('button', { name: 'Rooms menu' }).click()
  await expect(menu).toBeVisible()
  await menu.getByRole('link', { name: /Lambda/ }).click()
  await expect(page).toHaveURL(/\/rooms\/lambda$/)
  await expect(menu).toBeHidden()
  await expect(page.getByTestId('room-title')).toContainText('Lambda')
  await connected(page)
  // Escape closes the menu too.
  await page.getByRole('button', { name: 'Rooms menu' }).click()
  await expect(menu).toBeVisible()
  await page.keyboard.press('Escape')
  await expect(menu).toBeHidden()
  await person.context.close()
})

test('on a phone, Escape in a dialog opened from the rooms menu closes the dialog only, and focus goes back into the menu', async ({ browser, app }) => {
  const { page, context } = await register(browser, app.url, '/rooms/general', PHONE)
  await page.getByRole('button', { name: 'Rooms menu' }).click()
  const menu = page.locator('#rooms-menu')
  await expect(menu).toBeVisible()
  await page.getByTestId('new-room').click()
  const dialog = page.getByRole('dialog', { name: 'New room' })
  await expect(dialog.getByLabel('Name')).toBeFocused()
  await page.keyboard.press('Escape')
  await expect(dialog).toBeHidden()
  await expect(menu).toBeVisible()
  await expect(page.getByTestId('new-room')).toBeFocused()
  await context.close()
})

test('on a 360 px phone the header keeps the room name whole and who is here on one line, and every action answers a tap', async ({ browser, app }) => {
  const person = await guest(browser, app.url, '/rooms/general', { ...PHONE, viewport: { width: 360, height: 740 } })
  const { page } = person
  const title = page.getByTestId('room-title')
  await expect(title).toContainText(/general/i)
  // Nothing cut off: the name's box is as wide as its text.
  expect(await title.evaluate(el => el.scrollWidth <= el.clientWidth)).toBe(true)
  const here = page.getByTestId('online-count')
  await expect(here).toContainText(/\d+ here/)
  const lineHeight = await here.evaluate(el => Number.parseFloat(getComputedStyle(el).lineHeight))
  const { height } = (await here.boundingBox())!
  expect(height).toBeLessThan(lineHeight * 2)

  await here.tap()
  await expect(page.getByTestId('online-list')).toBeVisible()
  await here.tap()
  await page.getByTestId('search-input').tap()
  await expect(page.getByTestId('search-input')).toBeFocused()
  await page.getByRole('button', { name: 'Rooms menu' }).tap()
  await expect(page.locator('#rooms-menu')).toBeVisible()
  await page.getByRole('button', { name: 'Close rooms menu' }).tap()
  await expect(page.locator('#rooms-menu')).toBeHidden()
  expect(await seriousViolations(page)).toEqual([])
  await person.context.close()
})

test('a busy room looks right on a desktop and on a phone (screenshots)', async ({ browser, app }) => {
  mkdirSync(SCREENSHOTS, { recursive: true })
  const alice = await scriptUser(app.url, unique('alice').slice(0, 24))
  const bob = await scriptUser(app.url, unique('bob').slice(0, 24))
  const room = await createRoom(alice.client, unique('busy'), 'A room with a lot going on')
  await alice.say(room, 'Morning all! Deploy of the chat service is rolling out now.')
  await alice.say(room, 'Task definition revision 42, two tasks behind the ALB.')
  await bob.say(room, 'Nice. The health check is /api/ready, right?\nAnd the idle timeout is 60 s, so pings every 25 s.')
  await bob.say(room, 'Docs: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-load-balancing.html')
  await alice.say(room, 'Yes 👍')

  const desktop = await guest(browser, app.url, `/rooms/${room}`, { viewport: { width: 1280, height: 800 } })
  const phone = await guest(browser, app.url, `/rooms/${room}`, PHONE)
  await send(desktop.page, 'Joining from the desktop, <b>this stays text</b>.')
  await expect(messageList(phone.page)).toContainText('Joining from the desktop')
  await bob.say(room, 'Welcome!')
  await alice.socket.emit('typing', room)
  await expect(desktop.page.locator('.typing-dots')).toBeVisible()
  await expect(phone.page.locator('.typing-dots')).toBeVisible()
  await desktop.page.getByTestId('online-count').click()
  // Typing expires after a few seconds: refresh it right before the pictures.
  await alice.socket.emit('stop typing', room)
  await alice.socket.emit('typing', room)
  await expect(desktop.page.locator('.typing-dots')).toBeVisible()
  await expect(phone.page.locator('.typing-dots')).toBeVisible()
  await desktop.page.screenshot({ path: `${SCREENSHOTS}/desktop-busy-room.png` })
  await phone.page.screenshot({ path: `${SCREENSHOTS}/phone-busy-room.png` })
  await phone.page.getByRole('button', { name: 'Rooms menu' }).click()
  await expect(phone.page.locator('#rooms-menu')).toBeVisible()
  // The panel slides in: take the picture once its transition has finished.
  await expect.poll(() => phone.page.locator('#rooms-menu').evaluate(el => el.getAnimations().length)).toBe(0)
  await phone.page.screenshot({ path: `${SCREENSHOTS}/phone-rooms-menu.png` })
  expect(hydrationProblems).toEqual([])
  await desktop.context.close()
  await phone.context.close()
})

test('the composer sends on Enter, keeps Shift+Enter newlines and counts down near the limit', async ({ browser, app }) => {
  const { room } = await scriptUserInRoom(app.url, 'compose')
  const person = await guest(browser, app.url, `/rooms/${room}`)
  const input = person.page.locator('#composer-input')
  await input.pressSequentially('first line')
  await input.press('Shift+Enter')
  await input.pressSequentially('second line')
  await input.press('Enter')
  const message = messageList(person.page).getByTestId('message').filter({ hasText: 'first line' })
  await expect(message).toHaveClass(/status-stored/)
  expect(await message.locator('.message-text').textContent()).toBe('first line\nsecond line')
  await expect(input).toHaveValue('')
  await expect(person.page.getByTestId('char-counter')).toHaveCount(0)
  await input.fill('x'.repeat(1950))
  await expect(person.page.getByTestId('char-counter')).toHaveText('50 characters left')
  // A sending error (rate limit, etc.) keeps the text with a retry button: here, an over-long message from the console.
  await person.page.reload()
  await hydrated(person.page)
  await expect(messageList(person.page)).toContainText('second line')
  await person.context.close()
})

test('text typed and not sent waits in its room: switching rooms and reloading keep it, sending clears it', async ({ browser, app }) => {
  const person = await guest(browser, app.url, '/rooms/general')
  const { page } = person
  const input = page.locator('#composer-input')
  await input.fill('half a thought')
  await page.locator('a[data-room="fargate"]').click()
  await expect(page).toHaveURL(/\/rooms\/fargate$/)
  await connected(page)
  await expect(input).toHaveValue('')
  await expect(page.locator('a[data-room="general"]').getByTestId('draft-preview')).toHaveText('Draft: half a thought')
  await page.locator('a[data-room="general"]').click()
  await expect(page).toHaveURL(/\/rooms\/general$/)
  await connected(page)
  await expect(input).toHaveValue('half a thought')
  const seen = hydrationProblems.length
  await page.reload()
  await connected(page)
  await expect(input).toHaveValue('half a thought')
  expect(hydrationProblems.slice(seen)).toEqual([])
  await input.press('Enter')
  await expect(messageList(page).getByTestId('message').filter({ hasText: 'half a thought' })).toHaveClass(/status-stored/)
  await page.reload()
  await connected(page)
  await expect(input).toHaveValue('')
  await person.context.close()
})
