import { closeAll } from '../support/sockets.ts'
import { connected, createRoom, expect, guest, messageList, scriptUser, test, unique } from './fixtures.ts'

test.afterAll(() => closeAll())

test('searching a word shows highlighted hits while typing, and clicking one opens the message in its room', async ({ browser, app }) => {
  const bot = await scriptUser(app.url)
  const room = await createRoom(bot.client, unique('Search'))
  const word = unique('zebra').replace(/-/g, '')
  const said = await bot.say(room, `The ${word} <b>escaped</b> the zoo`)
  await bot.say('general', 'nothing to find here')
  // Messages are indexed shortly after they are acknowledged: the search box asks once per pause in typing.
  await expect.poll(async () => (await bot.client.get(`/api/search?q=${word}`)).json.messages.length).toBe(1)
  const reader = await guest(browser, app.url)

  const box = reader.page.getByTestId('search-input')
  await box.pressSequentially(word.slice(0, 6), { delay: 20 })
  const results = reader.page.getByTestId('search-results')
  const hit = results.getByRole('link').filter({ hasText: 'escaped' })
  await expect(hit).toHaveCount(1)
  await expect(hit).toContainText(`#${room}`)
  // The matched word is marked; the message's markup is shown as text, never as HTML.
  await expect(hit.locator('mark')).toHaveText(word)
  await expect(hit).toContainText('<b>escaped</b>')

  await hit.click()
  await expect(reader.page).toHaveURL(new RegExp(`/rooms/${room}\\?m=${encodeURIComponent(said.message)}$`))
  await connected(reader.page)
  await expect(messageList(reader.page)).toContainText(`The ${word} <b>escaped</b> the zoo`)
  await reader.context.close()
})

test('Ctrl+K opens the quick switcher and Enter goes to the room typed', async ({ browser, app }) => {
  const reader = await guest(browser, app.url)
  await reader.page.locator('#composer-input').focus()
  await reader.page.keyboard.press('Control+k')
  const switcher = reader.page.getByTestId('quick-switcher')
  await expect(switcher).toBeVisible()
  await switcher.getByRole('combobox').pressSequentially('lamb')
  await expect(switcher.getByRole('option').first()).toHaveText(/#lambda/)
  await reader.page.keyboard.press('Enter')
  await expect(reader.page).toHaveURL(/\/rooms\/lambda$/)
  await expect(reader.page.getByTestId('room-title')).toContainText('#lambda')
  await expect(switcher).toBeHidden()
  await reader.context.close()
})
