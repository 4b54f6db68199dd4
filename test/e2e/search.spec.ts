import type { WireMessage } from '#shared/types/socket'
import { call, closeAll } from '../support/sockets.ts'
import { PDF, upload } from '../support/uploads.ts'
import { connected, createRoom, expect, guest, messageList, scriptUser, test, unique } from './fixtures.ts'

test.afterAll(() => closeAll())

test('searching a word shows highlighted hits while typing, and clicking one opens the message in its room', async ({ browser, app }) => {
  const bot = await scriptUser(app.url)
  const name = unique('Search')
  const room = await createRoom(bot.client, name)
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
  // The room by its name.
  await expect(hit).toContainText(name)
  // The matched word is marked; the message's markup is shown as text, never as HTML.
  await expect(hit.locator('mark')).toHaveText(word)
  await expect(hit).toContainText('<b>escaped</b>')

  await hit.click()
  await expect(reader.page).toHaveURL(new RegExp(`/rooms/${room}\\?m=${encodeURIComponent(said.message)}$`))
  await connected(reader.page)
  await expect(messageList(reader.page)).toContainText(`The ${word} <b>escaped</b> the zoo`)
  await reader.context.close()
})

test('search results name the author by display name, the room, the date with the time, a file-only hit by its file, and explain a filter that is not one', async ({ browser, app }) => {
  const bot = await scriptUser(app.url, unique('carol').slice(0, 24), 'Carol Chen')
  const room = await createRoom(bot.client, unique('findings'))
  const word = unique('okapi').replace(/-/g, '')
  await bot.say(room, `An ${word} was seen`)
  const file = await upload(bot.client, room, { name: `${word}-notes.pdf`, type: 'application/pdf', bytes: PDF })
  const [err] = await call<WireMessage>(bot.socket, 'new message', { room, message: '', attachments: [file] })
  expect(err).toBeNull()
  const reader = await guest(browser, app.url)
  const box = reader.page.getByTestId('search-input')
  const hits = reader.page.getByTestId('search-results').locator('[data-search-hit]')

  await box.fill(`${word} `)
  await expect(hits).toHaveCount(1)
  await expect(hits.getByTestId('hit-author')).toHaveText('Carol Chen')
  await expect(hits.getByTestId('hit-room')).toHaveText(room)
  await expect(hits.locator('time')).toHaveText(/\b20\d\d\b.*\d{1,2}:\d{2}/)

  await box.fill(`from:@${bot.username} has:file`)
  await expect(hits).toHaveCount(1)
  await expect(hits.getByTestId('hit-files')).toHaveText(`📎 ${word}-notes.pdf`)

  await box.fill('deploy has:image')
  await expect(reader.page.getByTestId('search-results').getByRole('alert')).toHaveText('"has:image" is not a filter: has: takes file or link. Filters are from:@name, in:#room, has:file, has:link, before:2026-11-01 and after:2026-10-01.')
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
  await expect(reader.page.getByTestId('room-title')).toContainText('Lambda')
  await expect(switcher).toBeHidden()
  await reader.context.close()
})
