import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'
import { closeAll } from '../support/sockets.ts'
import { createRoom, expect, guest, hydrated, newPerson, scriptUser, test, unique } from './fixtures.ts'

test.afterAll(() => closeAll())

/** Serious and critical accessibility violations on the page as it is now, one line each. */
async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze()
  return violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .flatMap(v => v.nodes.map(n => `${v.id}: ${n.target.join(' ')} — ${n.failureSummary ?? ''}`))
}

/** Console messages about hydration (Vue logs "Hydration … mismatch" when SSR and client disagree). */
function hydrationMessages(page: Page): string[] {
  const found: string[] = []
  page.on('console', (message) => {
    if (/hydration/i.test(message.text())) found.push(`${page.url()}: ${message.text()}`)
  })
  return found
}

test('every page loads without a hydration mismatch and without serious accessibility violations', async ({ browser, app }) => {
  const bot = await scriptUser(app.url)
  const room = await createRoom(bot.client, unique('axe'), 'Accessible by design')
  await bot.say(room, 'A message so the room has a preview')

  const visitor = await newPerson(browser, app.url)
  const visitorLog = hydrationMessages(visitor.page)
  await visitor.page.goto('/login')
  await hydrated(visitor.page)
  expect(await seriousViolations(visitor.page)).toEqual([])

  const person = await guest(browser, app.url, `/rooms/${room}`)
  const log = hydrationMessages(person.page)
  for (const path of [`/rooms/${room}`, `/rooms/${unique('nothing')}`, '/rooms/general']) {
    await person.page.goto(path)
    await hydrated(person.page)
    expect(await seriousViolations(person.page), path).toEqual([])
  }
  const notFound = await person.page.goto('/rooms/Not_A_Room!')
  expect(notFound?.status()).toBe(404)
  await hydrated(person.page)
  expect(await seriousViolations(person.page)).toEqual([])

  expect(visitorLog).toEqual([])
  expect(log).toEqual([])
  await visitor.context.close()
  await person.context.close()
})

test('a room link\'s accessible name includes its latest message preview', async ({ browser, app }) => {
  const bot = await scriptUser(app.url)
  const room = await createRoom(bot.client, unique('named'))
  await bot.say(room, 'Preview worth hearing')
  const person = await guest(browser, app.url, '/rooms/general')
  // Rooms the reader has not joined are listed under "More public rooms".
  await person.page.getByText('More public rooms').click()
  await expect(person.page.getByRole('link', { name: new RegExp(`#${room}.*Preview worth hearing`) })).toBeVisible()
  await person.context.close()
})
