import type { Page } from '@playwright/test'
import { Client } from '../support/http.ts'
import { expect, hydrated, hydrationProblems, messageList, newPerson, scriptUser, scriptUserInRoom, seriousViolations, signedIn, test, unique } from './fixtures.ts'

/** The page's background where the messages are, as the browser paints it. */
const background = (page: Page) => page.locator('.chat-shell').evaluate(el => getComputedStyle(el).backgroundColor)
const LIGHT_BG = 'rgb(243, 245, 248)'
const DARK_BG = 'rgb(22, 25, 28)'

test('a room loaded with the dark choice comes dark from the server, hydrates without a warning, and has no serious accessibility violation in either mode, with the emoji picker open too', async ({ browser, app }) => {
  const { user: ann, room } = await scriptUserInRoom(app.url, 'Dark')
  await ann.say(room, 'Look at this:\n```ts\nconst answer: number = 42 // the answer\n```')
  await ann.say(room, `@${ann.username} **bold**, a [link](https://example.com) and 🎉`)

  for (const mode of ['light', 'dark'] as const) {
    const reader = new Client(app.url)
    reader.cookies = new Map([...ann.client.cookies, ['color-mode', mode]])
    const html = (await reader.request(`/rooms/${room}`, { headers: { accept: 'text/html' } })).text
    expect(html).toMatch(new RegExp(`<html[^>]* data-bs-theme="${mode}"`))

    hydrationProblems.length = 0
    const { context, page } = await signedIn(browser, app.url, ann.client)
    await context.addCookies([{ name: 'color-mode', value: mode, url: app.url }])
    await page.goto(`/rooms/${room}`)
    await hydrated(page)
    await expect(page.locator('html')).toHaveAttribute('data-bs-theme', mode)
    expect(await background(page)).toBe(mode === 'dark' ? DARK_BG : LIGHT_BG)
    await expect(messageList(page).locator('pre code .hljs-keyword').first()).toHaveText('const')
    expect(hydrationProblems).toEqual([])
    expect(await seriousViolations(page)).toEqual([])

    const message = messageList(page).getByTestId('message').filter({ hasText: 'bold' })
    await message.hover()
    // The message's actions (reactions, Reply, Delete…) as they show on hover.
    await expect(page.getByRole('toolbar')).toBeVisible()
    expect(await seriousViolations(page)).toEqual([])
    await page.getByRole('button', { name: 'Add a reaction' }).click()
    await expect(page.getByRole('dialog', { name: 'Add a reaction' })).toBeVisible()
    expect(await seriousViolations(page)).toEqual([])
    await context.close()
  }
})

test('System follows the browser\'s preference without a script: the server renders auto, and a dark system paints it dark', async ({ browser, app }) => {
  const { user: ann, room } = await scriptUserInRoom(app.url, 'System')
  for (const colorScheme of ['dark', 'light'] as const) {
    const { context, page } = await signedIn(browser, app.url, ann.client, { colorScheme })
    await page.goto(`/rooms/${room}`)
    await expect(page.locator('html')).toHaveAttribute('data-bs-theme', 'auto')
    expect(await background(page)).toBe(colorScheme === 'dark' ? DARK_BG : LIGHT_BG)
    await expect(page.getByTestId('color-mode')).toHaveValue('system')
    await context.close()
  }
})

test('choosing Dark in the account menu applies at once and stays with the account: a new browser that signs in gets it in the server\'s first page', async ({ browser, app }) => {
  const username = unique('dora').slice(0, 24)
  const ann = await scriptUser(app.url, username)
  const first = await signedIn(browser, app.url, ann.client)
  await first.page.goto('/rooms/general')
  await hydrated(first.page)
  await first.page.getByTestId('color-mode').selectOption({ label: 'Dark' })
  await expect(first.page.locator('html')).toHaveAttribute('data-bs-theme', 'dark')
  expect(await background(first.page)).toBe(DARK_BG)
  await expect.poll(async () => (await first.context.cookies()).find(c => c.name === 'color-mode')?.value).toBe('dark')
  await first.context.close()

  const elsewhere = await newPerson(browser, app.url)
  await elsewhere.page.goto('/login')
  await hydrated(elsewhere.page)
  await expect(elsewhere.page.locator('html')).toHaveAttribute('data-bs-theme', 'auto')
  await elsewhere.page.getByLabel('Username').fill(username)
  await elsewhere.page.getByLabel('Password').fill('correct horse battery')
  await elsewhere.page.getByRole('button', { name: 'Sign in' }).last().click()
  await expect(elsewhere.page).toHaveURL(/\/rooms\//)
  expect((await elsewhere.context.cookies()).find(c => c.name === 'color-mode')?.value).toBe('dark')
  await elsewhere.page.reload()
  await expect(elsewhere.page.locator('html')).toHaveAttribute('data-bs-theme', 'dark')
  await expect(elsewhere.page.getByTestId('color-mode')).toHaveValue('dark')
  await elsewhere.context.close()
})
