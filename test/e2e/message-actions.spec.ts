import type { Page } from '@playwright/test'
import { call } from '../support/sockets.ts'
import type { WireMessage } from '#shared/types/socket'
import { connected, expect, guest, messageList, register, scriptUser, scriptUserInRoom, send, test, unique } from './fixtures.ts'

/** The stored message showing `text`. */
function messageWith(page: Page, text: string) {
  return messageList(page).getByTestId('message').filter({ hasText: text })
}

/** The message's row body, which holds its toolbar (shown while hovered or focused). */
function rowWith(page: Page, text: string) {
  return messageList(page).locator('.message-body').filter({ has: page.getByTestId('message').filter({ hasText: text }) })
}

test('editing my last message with ↑ in the empty composer shows it edited, also after a reload', async ({ browser, app }) => {
  const ann = await register(browser, app.url)
  await send(ann.page, 'helo wrld')
  await expect(messageWith(ann.page, 'helo wrld')).toHaveAttribute('data-id', /^\d{13}:/)
  const input = ann.page.locator('#composer-input')
  await input.press('ArrowUp')
  await expect(ann.page.getByTestId('composer-context')).toContainText('Editing your message')
  await expect(input).toHaveValue('helo wrld')
  await input.fill('hello world')
  await input.press('Enter')
  await expect(messageWith(ann.page, 'hello world')).toContainText('(edited)')
  await expect(input).toHaveValue('')
  await ann.page.reload()
  await connected(ann.page)
  await expect(messageWith(ann.page, 'hello world')).toContainText('(edited)')
  await ann.context.close()
})

test('saving an edit ends its author\'s "typing" for the others at once, before the edit arrives', async ({ browser, app }) => {
  const { user: owner, room } = await scriptUserInRoom(app.url, 'typing')
  expect((await call(owner.socket, 'join room', room))[0]).toBeNull()
  const heard: string[] = []
  owner.socket.onAny((event: string) => heard.push(event))
  const ann = await guest(browser, app.url, `/rooms/${room}`)
  await send(ann.page, 'helo wrld')
  await expect(messageWith(ann.page, 'helo wrld')).toHaveAttribute('data-id', /^\d{13}:/)
  const input = ann.page.locator('#composer-input')
  await input.press('ArrowUp')
  await input.pressSequentially(' again')
  await expect.poll(() => heard.includes('typing')).toBe(true)
  heard.length = 0
  await input.press('Enter')
  await expect.poll(() => heard.includes('message updated')).toBe(true)
  // Not left to expire seconds later: the indicator ends with the edit.
  expect(heard.slice(0, heard.indexOf('message updated'))).toContain('stop typing')
  await ann.context.close()
})

test('a message\'s actions appear while it is hovered or focused from the keyboard, and the server renders none', async ({ browser, app }) => {
  const ann = await register(browser, app.url)
  await send(ann.page, 'act on me')
  await expect(messageWith(ann.page, 'act on me')).toHaveAttribute('data-id', /^\d{13}:/)
  const html = await (await ann.page.request.get(`${app.url}/rooms/general`)).text()
  expect(html).toContain('act on me')
  expect(html).not.toContain('role="toolbar"')
  const toolbar = rowWith(ann.page, 'act on me').getByRole('toolbar')
  await expect(toolbar).toHaveCount(0)
  await messageWith(ann.page, 'act on me').focus()
  await expect(toolbar.getByRole('button', { name: 'Reply', exact: true })).toBeVisible()
  // Tabbing from the message into its toolbar keeps it open.
  await ann.page.keyboard.press('Tab')
  await expect(toolbar.getByRole('button', { name: 'React with 👍' })).toBeFocused()
  await ann.page.locator('#composer-input').focus()
  await expect(toolbar).toHaveCount(0)
  await rowWith(ann.page, 'act on me').hover()
  await expect(toolbar).toBeVisible()
  await ann.context.close()
})

test('deleting asks first, then shows "message deleted" to everyone', async ({ browser, app }) => {
  const ann = await register(browser, app.url)
  const bob = await guest(browser, app.url)
  await send(ann.page, 'a regrettable message')
  await expect(messageWith(bob.page, 'a regrettable message')).toBeVisible()
  const mine = rowWith(ann.page, 'a regrettable message')
  await mine.hover()
  await mine.getByRole('button', { name: 'Delete' }).click()
  const dialog = ann.page.getByRole('dialog', { name: 'Delete message?' })
  await expect(dialog).toBeVisible()
  await dialog.getByRole('button', { name: 'Cancel' }).click()
  await expect(dialog).toBeHidden()
  await expect(mine).toBeVisible()
  await mine.hover()
  await mine.getByRole('button', { name: 'Delete' }).click()
  await dialog.getByRole('button', { name: 'Delete' }).click()
  await expect(messageList(ann.page).getByTestId('message-deleted')).toHaveCount(1)
  await expect(messageList(bob.page)).not.toContainText('a regrettable message')
  await expect(messageList(bob.page).getByTestId('message-deleted')).toHaveCount(1)
  await ann.context.close()
  await bob.context.close()
})

test('the room\'s owner deletes someone else\'s message there; a member sees no Delete on others\' messages', async ({ browser, app }) => {
  const owner = await register(browser, app.url)
  // Created with the owner's own session (the browser context's cookies).
  const created = await owner.page.request.post('/api/rooms', { data: { name: unique('Moderated'), topic: '' }, headers: { origin: app.url } })
  expect(created.status()).toBe(201)
  const room = ((await created.json()) as { room: { id: string } }).room.id
  const bot = await scriptUser(app.url)
  await bot.say(room, 'spam from a bot')
  await owner.page.goto(`/rooms/${room}`)
  await connected(owner.page)
  const spam = rowWith(owner.page, 'spam from a bot')
  await spam.hover()
  await expect(spam.getByRole('button', { name: 'Edit' })).toHaveCount(0)
  await spam.getByRole('button', { name: 'Delete' }).click()
  await owner.page.getByRole('dialog', { name: 'Delete message?' }).getByRole('button', { name: 'Delete' }).click()
  await expect(messageList(owner.page).getByTestId('message-deleted')).toHaveCount(1)
  await expect(messageList(owner.page)).not.toContainText('spam from a bot')

  const member = await guest(browser, app.url, `/rooms/${room}`)
  await bot.say(room, 'a fair question')
  const question = rowWith(member.page, 'a fair question')
  await question.hover()
  await expect(question.getByRole('button', { name: 'Reply', exact: true })).toBeVisible()
  await expect(question.getByRole('button', { name: 'Delete' })).toHaveCount(0)
  await owner.context.close()
  await member.context.close()
})

test('a reply quotes its original, and the quote jumps to it through older history and highlights it', async ({ browser, app }) => {
  const { user: bot, room } = await scriptUserInRoom(app.url, 'Replies')
  const original = await bot.say(room, 'The original question')
  for (let i = 0; i < 70; i++) await bot.say(room, `filler ${i}`)
  const [err] = await call<WireMessage>(bot.socket, 'new message', { room, message: 'An answer, much later', replyTo: original.message })
  expect(err).toBeNull()

  const ann = await register(browser, app.url, `/rooms/${room}`)
  const answer = messageWith(ann.page, 'An answer, much later')
  await expect(answer.getByTestId('reply-quote')).toContainText('The original question')
  // The original itself (the answer's quote says the same words).
  const target = messageList(ann.page).getByTestId('message').filter({ has: ann.page.getByText('The original question', { exact: true }) })
  await expect(target).toHaveCount(0)
  await answer.getByTestId('reply-quote').click()
  await expect(target).toBeInViewport()
  await expect(target).toHaveClass(/highlighted/)

  // Replying from the toolbar.
  const targetRow = messageList(ann.page).locator('.message-body').filter({ has: ann.page.getByText('The original question', { exact: true }) })
  await targetRow.hover()
  await targetRow.getByRole('button', { name: 'Reply', exact: true }).click()
  await expect(ann.page.getByTestId('composer-context')).toContainText('Replying to')
  await send(ann.page, 'Me too')
  await expect(messageWith(ann.page, 'Me too').getByTestId('reply-quote')).toContainText('The original question')
  await expect(ann.page.getByTestId('composer-context')).toHaveCount(0)

  // The original deleted by its author: the quotes keep none of its words, live and after a reload.
  expect((await call(bot.socket, 'delete message', { room, message: original.message }))[0]).toBeNull()
  for (const reply of ['An answer, much later', 'Me too']) {
    await expect(messageWith(ann.page, reply).getByTestId('reply-quote')).toHaveText(`↪ ${bot.username} original message deleted`)
  }
  await ann.page.reload()
  await expect(messageWith(ann.page, 'Me too').getByTestId('reply-quote')).toHaveText(`↪ ${bot.username} original message deleted`)
  await expect(messageList(ann.page)).not.toContainText('The original question')
  await ann.context.close()
})

test('a reaction on one instance shows its count and who reacted on the other, from the quick set and the picker', async ({ browser, cluster }) => {
  const ann = await guest(browser, cluster.one)
  const bob = await guest(browser, cluster.two)
  await send(ann.page, 'React to this')
  const onBob = rowWith(bob.page, 'React to this')
  await onBob.hover()
  await onBob.getByRole('button', { name: 'React with 👍' }).click()
  const chip = messageWith(ann.page, 'React to this').getByTestId('reactions').getByRole('button', { name: /^👍 1/ })
  await expect(chip).toBeVisible()
  await expect(chip).toHaveAttribute('title', `${bob.username} reacted with 👍`)

  const onAnn = rowWith(ann.page, 'React to this')
  await onAnn.hover()
  await onAnn.getByRole('button', { name: 'Add a reaction' }).click()
  const picker = ann.page.getByRole('dialog', { name: 'Add a reaction' })
  await picker.getByLabel('Search emoji').fill('tada')
  await picker.getByRole('option', { name: 'party popper' }).click()
  await expect(onBob.getByTestId('reactions').getByRole('button', { name: /^🎉 1/ })).toBeVisible()

  // Bob joins ann's 🎉, then takes it back: the count follows on both sides.
  await onBob.getByTestId('reactions').getByRole('button', { name: /^🎉 1/ }).click()
  await expect(onAnn.getByTestId('reactions').getByRole('button', { name: /^🎉 2/ })).toBeVisible()
  await onBob.getByTestId('reactions').getByRole('button', { name: /^🎉 2/ }).click()
  await expect(onAnn.getByTestId('reactions').getByRole('button', { name: /^🎉 1/ })).toBeVisible()
  await ann.context.close()
  await bob.context.close()
})
