import type { Page } from '@playwright/test'
import { roomIdFromName } from '#shared/schemas/rooms'
import { connected, expect, messageList, register, scriptUser, send, startCluster, test, unique, type Cluster } from './fixtures.ts'

// Two instances sharing one database and Redis: every test puts its people on different instances.
let cluster: Cluster | undefined
let one: string
let two: string

test.beforeAll(async () => {
  cluster = await startCluster({ MESSAGE_BURST: '100', MESSAGES_PER_SECOND: '100' })
  ;({ one, two } = cluster)
})
test.afterAll(async () => cluster?.stop())

/** Makes the tab look hidden to the page (as when the person switched to another tab). */
async function hide(page: Page) {
  await page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' })
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => true })
    document.dispatchEvent(new Event('visibilitychange'))
  })
}

/** Records every notification the page shows (the real Notification still shows it). */
function recordNotifications() {
  const Real = window.Notification
  const shown: { title: string, body?: string }[] = []
  ;(window as unknown as { shownNotifications: typeof shown }).shownNotifications = shown
  class Recording extends Real {
    constructor(title: string, options?: NotificationOptions) {
      shown.push({ title, body: options?.body })
      super(title, options)
    }
  }
  Object.defineProperty(Recording, 'permission', { get: () => Real.permission })
  Object.defineProperty(Recording, 'requestPermission', { value: Real.requestPermission.bind(Real) })
  window.Notification = Recording
}

const notificationsOf = (page: Page) => page.evaluate(() => (window as unknown as { shownNotifications: { title: string, body?: string }[] }).shownNotifications)

async function openRoomMenu(page: Page) {
  await page.getByTestId('room-menu').click()
}

async function createPrivateRoom(page: Page, name: string) {
  await page.getByTestId('new-room').click()
  await page.locator('#room-name').fill(name)
  await page.getByLabel('Private: only people invited can see it').check()
  await page.getByRole('button', { name: 'Create room' }).click()
  await expect(page).toHaveURL(new RegExp(`/rooms/${roomIdFromName(name)}$`))
  await connected(page)
}

async function invite(page: Page, username: string) {
  await openRoomMenu(page)
  await page.getByPlaceholder('Invite by username').fill(username)
  await page.getByTestId('invite').click()
  await expect(page.getByTestId('member-list').locator(`[data-member="${username}"]`)).toBeVisible()
}

test('two people on different instances start a DM from the New message picker and chat', async ({ browser }) => {
  const ann = await register(browser, one)
  const bob = await register(browser, two)
  await ann.page.getByTestId('new-dm').click()
  await ann.page.locator('#dm-search').fill(bob.username.slice(0, 12))
  await ann.page.getByTestId('dm-results').locator(`[data-username="${bob.username}"]`).click()
  await ann.page.getByTestId('start-dm').click()
  await expect(ann.page).toHaveURL(/\/rooms\/dm-[0-9a-f]{40}$/)
  await connected(ann.page)
  await expect(ann.page.getByTestId('room-title')).toContainText(bob.username)
  await send(ann.page, 'Hello Bob, just us')

  // Bob's sidebar gets the conversation live, with its unread count.
  const inBobsList = bob.page.getByTestId('dm-list').getByRole('link', { name: new RegExp(ann.username) })
  await expect(inBobsList.getByTestId('unread-badge')).toHaveText('1')
  await inBobsList.click()
  await connected(bob.page)
  await expect(messageList(bob.page)).toContainText('Hello Bob, just us')
  await send(bob.page, 'Hi Ann')
  await expect(messageList(ann.page)).toContainText('Hi Ann')
  // Hovering a name shows whose it is: display names alone could mislead.
  await expect(messageList(ann.page).getByTestId('author').last()).toHaveAttribute('title', `@${bob.username}`)
  await ann.context.close()
  await bob.context.close()
})

test('an invitation to a private room shows it to the invitee only', async ({ browser }) => {
  const ann = await register(browser, one)
  const bob = await register(browser, two)
  const carol = await register(browser, two)
  const name = unique('Plans')
  await createPrivateRoom(ann.page, name)
  const path = new URL(ann.page.url()).pathname
  await send(ann.page, 'The secret plan')
  await invite(ann.page, bob.username)

  const link = bob.page.getByTestId('room-list').getByRole('link', { name: new RegExp(name) })
  await link.click()
  await expect(bob.page).toHaveURL(new RegExp(`${path}$`))
  await connected(bob.page)
  await expect(messageList(bob.page)).toContainText('The secret plan')

  // Carol, who was not invited, finds nothing at that address, and is not offered to create what she cannot.
  await carol.page.goto(path)
  await expect(carol.page.getByText(/There is no room/)).toBeVisible()
  await expect(carol.page.getByTestId('room-taken')).toBeVisible()
  await expect(carol.page.getByRole('button', { name: /Create/ })).toHaveCount(0)
  await expect(carol.page.locator('body')).not.toContainText('The secret plan')
  await expect(carol.page.locator('body')).not.toContainText(name)
  await Promise.all([ann.context.close(), bob.context.close(), carol.context.close()])
})

test('removing a member closes the room on their open tab on the other instance', async ({ browser }) => {
  const ann = await register(browser, one)
  const bob = await register(browser, two)
  await createPrivateRoom(ann.page, unique('Team'))
  const path = new URL(ann.page.url()).pathname
  await invite(ann.page, bob.username)
  await bob.page.goto(path)
  await connected(bob.page)
  await send(bob.page, 'I am in')
  await expect(messageList(ann.page)).toContainText('I am in')

  await ann.page.getByTestId('member-list').locator(`[data-member="${bob.username}"]`).getByRole('button', { name: /Remove/ }).click()
  await expect(bob.page.locator('#composer-input')).toHaveCount(0)
  // Bob's page says what happened, offers no room to create (the name is taken), and a way on.
  await expect(bob.page.getByTestId('room-unavailable')).toHaveAttribute('data-state', 'removed')
  await expect(bob.page.getByRole('heading', { name: /You are no longer in #/ })).toBeVisible()
  await expect(bob.page.getByRole('button', { name: /Create/ })).toHaveCount(0)
  await expect(bob.page.getByTestId('room-list')).not.toContainText(path.split('/').pop()!)
  await bob.page.getByTestId('go-general').click()
  await connected(bob.page)
  await ann.context.close()
  await bob.context.close()
})

test('a mention gives a badge that survives a reload and a notification while the tab is hidden', async ({ browser }) => {
  const ann = await register(browser, one)
  const bob = await register(browser, two, '/rooms/general', { permissions: ['notifications'] })
  await bob.context.addInitScript(recordNotifications)
  await createPrivateRoom(ann.page, unique('Mentions'))
  const room = new URL(ann.page.url()).pathname.split('/').pop()!
  await invite(ann.page, bob.username)

  await bob.page.reload()
  await connected(bob.page)
  await expect(bob.page.getByTestId('room-list').locator(`[data-room="${room}"]`)).toBeVisible()
  await hide(bob.page)

  // Autocomplete offers Bob among the room's members.
  await ann.page.locator('#composer-input').fill(`Look at this @${bob.username.slice(0, 5)}`)
  await ann.page.getByTestId('mention-suggestions').getByText(`@${bob.username}`).click()
  await expect(ann.page.locator('#composer-input')).toHaveValue(`Look at this @${bob.username} `)
  await ann.page.locator('#composer-input').press('Enter')

  const badge = bob.page.getByTestId('room-list').locator(`[data-room="${room}"]`).getByTestId('mention-badge')
  await expect(badge).toHaveText('@1')
  await expect(bob.page).toHaveTitle(/^@1 /)
  await expect.poll(() => notificationsOf(bob.page)).toEqual([{ title: `${ann.username} in #${room}`, body: `Look at this @${bob.username}` }])

  await bob.page.reload()
  await connected(bob.page)
  await expect(bob.page.getByTestId('room-list').locator(`[data-room="${room}"]`).getByTestId('mention-badge')).toHaveText('@1')
  await ann.context.close()
  await bob.context.close()
})

test('muting silences a busy room: no badge, no notification', async ({ browser }) => {
  const ann = await register(browser, one)
  const bob = await register(browser, two, '/rooms/general', { permissions: ['notifications'] })
  await bob.context.addInitScript(recordNotifications)
  const busy = unique('busy')
  const quiet = unique('quiet')
  const bot = await scriptUser(one)
  for (const id of [busy, quiet]) {
    expect((await bot.client.post('/api/rooms', { id, name: id })).status).toBe(201)
    expect((await bot.client.post(`/api/rooms/${id}/members`, { username: bob.username })).status).toBe(200)
  }
  await bob.page.goto(`/rooms/${busy}`)
  await connected(bob.page)
  await openRoomMenu(bob.page)
  await bob.page.getByTestId('mute-room').check()
  await expect(bob.page.getByTestId('room-list').locator(`[data-room="${busy}"]`)).toContainText('🔕')
  await bob.page.goto('/rooms/general')
  await connected(bob.page)
  await hide(bob.page)

  for (let i = 1; i <= 5; i++) await bot.say(busy, `@${bob.username} busy ${i}`)
  const parent = await bot.say(quiet, `@${bob.username} in the quiet room`)
  // The quiet room's message arrived after the busy ones, so theirs have been handled too.
  await expect(bob.page.getByTestId('room-list').locator(`[data-room="${quiet}"]`).getByTestId('unread-badge')).toHaveText('1')
  await expect(bob.page.getByTestId('room-list').locator(`[data-room="${busy}"]`).getByTestId('unread-badge')).toHaveCount(0)
  await expect(bob.page.getByTestId('room-list').locator(`[data-room="${busy}"]`).getByTestId('mention-badge')).toHaveCount(0)
  await expect.poll(() => notificationsOf(bob.page)).toEqual([{ title: `${bot.username} in #${quiet}`, body: `@${bob.username} in the quiet room` }])
  const quietBadges = bob.page.getByTestId('room-list').locator(`[data-room="${quiet}"]`)
  await expect(quietBadges.getByTestId('mention-badge')).toHaveText('@1')

  // A thread reply naming Bob raises the room's mention badge at once (as the server counts it for
  // the next load), not its unread count: replies stay out of the room's stream.
  expect((await bot.client.post(`/api/rooms/${quiet}/messages`, { text: `@${bob.username} in a thread`, thread: parent.message })).status).toBe(201)
  await expect(quietBadges.getByTestId('mention-badge')).toHaveText('@2')
  await expect(quietBadges.getByTestId('unread-badge')).toHaveText('1')
  await bob.page.reload()
  await connected(bob.page)
  await expect(quietBadges.getByTestId('mention-badge')).toHaveText('@2')
  bot.socket.disconnect()
  await ann.context.close()
  await bob.context.close()
})
