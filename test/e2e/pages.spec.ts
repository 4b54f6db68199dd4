import type { Page, Response } from '@playwright/test'
import type { WireMessage } from '#shared/types/socket'
import { call, closeAll } from '../support/sockets.ts'
import { connected, createRoom, expect, guest, hydrated, newPerson, register, scriptUser, scriptUserInRoom, seriousViolations, signedIn, test, unique } from './fixtures.ts'

test.afterAll(() => closeAll())

/** Console errors, page errors and hydration warnings (Vue logs "Hydration … mismatch" when SSR and client disagree). */
function problemsOf(page: Page): string[] {
  const found: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error' || /hydration/i.test(message.text())) found.push(`${page.url()}: ${message.type()}: ${message.text()}`)
  })
  page.on('pageerror', error => found.push(`${page.url()}: ${error.message}`))
  return found
}

/**
 * What shows people and rooms: names of authors, rooms and the reader, sidebar previews and badges,
 * reply quotes, the messages and their times. The presence count and drafts are not here: only the
 * browser knows them, and both sides render them as the same placeholder until hydration is over.
 */
const NAMED = ['[data-testid="room-title"]', '[data-testid="author"]', '[data-testid="signed-in-as"]', '.room-item', '[data-testid="reply-quote"]', '[data-testid="message"]', '.message-meta time', '.day-divider']

/**
 * Where the page now shows something other than what the server sent: each selector's texts in the
 * server's HTML beside the same texts in the page. A name the server rendered as a username and the
 * browser then swapped for a display name (or a time in another zone) is a difference, with or
 * without a hydration warning.
 */
async function differencesFromServer(page: Page, response: Response | null): Promise<string[]> {
  const html = await response!.text()
  return page.evaluate(({ html, selectors }) => {
    const server = new DOMParser().parseFromString(html, 'text/html')
    // Sidebar items in any order: visiting a room joins it, which moves it to the reader's rooms once connected.
    const texts = (root: ParentNode, selector: string) => {
      const found = [...root.querySelectorAll(selector)].map(el => (el.textContent ?? '').replace(/\s+/g, ' ').trim())
      return selector === '.room-item' ? found.sort() : found
    }
    return selectors.flatMap((selector) => {
      const [before, now] = [texts(server, selector), texts(document, selector)]
      return JSON.stringify(before) === JSON.stringify(now) ? [] : [`${selector}: server ${JSON.stringify(before)}, browser ${JSON.stringify(now)}`]
    })
  }, { html, selectors: NAMED })
}

test('every kind of page renders on the server what the browser shows, hydrates without a warning or error, and has no serious accessibility violation', async ({ browser, app }) => {
  // It opens a dozen pages and runs axe-core on each: 45 s on a loaded two-core machine.
  test.setTimeout(120_000)
  const alice = await scriptUser(app.url, unique('alice').slice(0, 24), 'Alice Andersen')
  const bob = await scriptUser(app.url, unique('bob').slice(0, 24), 'Bob Berg')
  const room = await createRoom(alice.client, unique('names'), 'Where names show')
  const first = await alice.say(room, 'Deploying now: see [the runbook](https://example.com/runbook)')
  const [err] = await call<WireMessage>(bob.socket, 'new message', { room, message: 'On it', replyTo: first.message })
  expect(err).toBeNull()
  const secret = unique('private')
  expect((await alice.client.post('/api/rooms', { id: secret, name: secret, visibility: 'private' })).status).toBe(201)
  expect((await alice.client.post(`/api/rooms/${secret}/members`, { username: bob.username })).status).toBe(200)
  await alice.say(secret, 'Only for us two')
  const dm = (await bob.client.post('/api/dms', { usernames: [alice.username] })).json.room.id
  await alice.say(dm, 'Hi Bob, a word in private')
  const archived = await createRoom(alice.client, unique('archived'))
  await alice.say(archived, 'The last word here')
  expect((await alice.client.request(`/api/rooms/${archived}`, { method: 'PATCH', body: { archived: true } })).status).toBe(200)

  const visitor = await newPerson(browser, app.url)
  const visitorProblems = problemsOf(visitor.page)
  const signIn = await visitor.page.goto('/login')
  await hydrated(visitor.page)
  expect(await differencesFromServer(visitor.page, signIn)).toEqual([])
  expect(await seriousViolations(visitor.page)).toEqual([])
  expect(visitorProblems).toEqual([])
  await visitor.context.close()

  const reader = await signedIn(browser, app.url, bob.client)
  const { page } = reader
  const problems = problemsOf(page)
  // Any earlier page told the server the reader's time zone (a cookie): times render in it from then on.
  await page.goto('/rooms/general')
  await hydrated(page)
  const pages = [
    // Bob's reply quotes Alice by her display name, not her username.
    { path: `/rooms/${room}`, shows: page.getByTestId('reply-quote').filter({ hasText: 'Alice Andersen' }) },
    { path: `/rooms/${room}?m=${first.message}`, shows: page.getByTestId('author').filter({ hasText: 'Alice Andersen' }) },
    { path: `/rooms/${dm}`, shows: page.getByTestId('room-title').filter({ hasText: 'Alice Andersen' }) },
    { path: `/rooms/${secret}`, shows: page.getByTestId('author').filter({ hasText: 'Alice Andersen' }) },
    { path: `/rooms/${archived}`, shows: page.getByTestId('archived-notice') },
  ]
  for (const { path, shows } of pages) {
    const response = await page.goto(path)
    await hydrated(page)
    await expect(shows).toBeVisible()
    expect(await differencesFromServer(page, response), path).toEqual([])
    expect(await seriousViolations(page), path).toEqual([])
  }

  // After load: the search results, the online list and a dialog, each open.
  await page.goto(`/rooms/${room}`)
  await hydrated(page)
  await page.getByTestId('search-input').fill('runbook')
  await expect(page.getByTestId('search-results').locator('[data-search-hit]')).toHaveCount(1)
  expect(await seriousViolations(page), 'search results').toEqual([])
  await page.keyboard.press('Escape')
  await page.getByTestId('online-count').click()
  await expect(page.getByTestId('online-list')).toBeVisible()
  expect(await seriousViolations(page), 'online list').toEqual([])
  await page.getByTestId('online-count').click()
  await page.getByTestId('new-room').click()
  await expect(page.getByRole('dialog', { name: 'New room' })).toBeVisible()
  expect(await seriousViolations(page), 'new room dialog').toEqual([])
  await page.keyboard.press('Escape')
  expect(problems).toEqual([])
  await reader.context.close()

  // A guest, and pages without a room: one that does not exist, and an address that is not one.
  const person = await guest(browser, app.url, `/rooms/${room}`)
  const log = problemsOf(person.page)
  for (const path of [`/rooms/${room}`, `/rooms/${unique('nothing')}`, `/rooms/${secret}`]) {
    const response = await person.page.goto(path)
    await hydrated(person.page)
    expect(await differencesFromServer(person.page, response), path).toEqual([])
    expect(await seriousViolations(person.page), path).toEqual([])
  }
  const notFound = await person.page.goto('/rooms/Not_A_Room!')
  expect(notFound?.status()).toBe(404)
  await hydrated(person.page)
  expect(await seriousViolations(person.page)).toEqual([])
  // The 404 of the address itself is the one console error a 404 page has.
  expect(log.filter(line => !/status of 404/.test(line))).toEqual([])
  await person.context.close()
})

test('a room that cannot be opened says why, and offers to create it only when its name is free and the reader may create rooms', async ({ browser, app }) => {
  const { user: owner, room: deleted } = await scriptUserInRoom(app.url, 'gone')
  const open = await createRoom(owner.client, unique('closing'))
  const hidden = unique('hidden')
  expect((await owner.client.post('/api/rooms', { id: hidden, name: hidden, visibility: 'private' })).status).toBe(201)
  expect((await owner.client.request(`/api/rooms/${deleted}`, { method: 'DELETE' })).status).toBe(204)
  const reader = await register(browser, app.url, `/rooms/${open}`)
  const { page } = reader
  const screen = page.getByTestId('room-unavailable')
  const create = page.getByRole('button', { name: /^Create #/ })

  // Deleted while open: the page says so at once.
  expect((await owner.client.request(`/api/rooms/${open}`, { method: 'DELETE' })).status).toBe(204)
  await expect(screen).toHaveAttribute('data-state', 'deleted')
  await expect(page.getByRole('heading', { name: `#${open} was deleted` })).toBeVisible()
  await expect(create).toHaveCount(0)

  // The address of a deleted room, and of a private room of others: nothing to create there.
  await page.goto(`/rooms/${deleted}`)
  await expect(screen).toHaveAttribute('data-state', 'deleted')
  await expect(create).toHaveCount(0)
  await page.goto(`/rooms/${hidden}`)
  await expect(screen).toHaveAttribute('data-state', 'taken')
  await expect(page.getByText('There is no room')).toBeVisible()
  await expect(create).toHaveCount(0)

  // A free name: offered, and created.
  const fresh = unique('fresh')
  await page.goto(`/rooms/${fresh}`)
  await expect(screen).toHaveAttribute('data-state', 'free')
  await create.click()
  await connected(page)
  await expect(page.getByTestId('room-title')).toContainText(fresh)
  await reader.context.close()

  // A guest may not create rooms: told so, not offered a button that would fail.
  const visitor = await guest(browser, app.url)
  await visitor.page.goto(`/rooms/${unique('wish')}`)
  await expect(visitor.page.getByTestId('room-unavailable')).toHaveAttribute('data-state', 'free')
  await expect(visitor.page.getByText('Guests cannot create rooms')).toBeVisible()
  await expect(visitor.page.getByRole('button', { name: /^Create #/ })).toHaveCount(0)
  await visitor.context.close()
})

test('a room link\'s accessible name includes its latest message preview', async ({ browser, app }) => {
  const { user: bot, room } = await scriptUserInRoom(app.url, 'named')
  await bot.say(room, 'Preview worth hearing')
  const person = await guest(browser, app.url, '/rooms/general')
  // Rooms the reader has not joined are listed under "More public rooms".
  await person.page.getByText('More public rooms').click()
  await expect(person.page.getByRole('link', { name: new RegExp(`${room}.*Preview worth hearing`) })).toBeVisible()
  await person.context.close()
})
