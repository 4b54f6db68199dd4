import type { Locator, Page } from '@playwright/test'
import { expect, messageList, register, scriptUserInRoom, send, seriousViolations, test } from './fixtures.ts'

/**
 * Opens a dialog from the keyboard, checks where focus lands and that the page with the dialog open
 * has no serious accessibility violation, types into it if told, closes it with Escape and checks
 * that focus came back.
 */
async function opensAndGivesFocusBack(page: Page, opener: Locator, open: () => Promise<void>, dialog: Locator, first: Locator, name?: string, typed?: () => Promise<void>) {
  await opener.focus()
  await open()
  await expect(dialog).toBeVisible()
  await expect(first).toBeFocused()
  if (name) await expect(dialog).toHaveAccessibleName(name)
  expect(await seriousViolations(page)).toEqual([])
  if (typed) await typed()
  await page.keyboard.press('Escape')
  await expect(dialog).toBeHidden()
  await expect(opener).toBeFocused()
}

// In both colour modes: "System" (the default) follows the browser's preference.
for (const colorScheme of ['light', 'dark'] as const) {
  test(`every dialog focuses its first field (not Close), takes typing at once, has no serious accessibility violation, closes on Escape and gives focus back to what opened it, in ${colorScheme} mode`, async ({ browser, app }) => {
    // A room of its own: the message deleted below must not show in other tests' rooms.
    const { user: owner, room } = await scriptUserInRoom(app.url, 'dialogs')
    owner.socket.disconnect()
    const { page, context, username } = await register(browser, app.url, `/rooms/${room}`, { colorScheme })
    const enter = () => page.keyboard.press('Enter')

    const newRoom = page.getByRole('dialog', { name: 'New room' })
    await opensAndGivesFocusBack(page, page.getByTestId('new-room'), enter, newRoom, newRoom.getByLabel('Name'))
    const newMessage = page.getByRole('dialog', { name: 'New message' })
    await opensAndGivesFocusBack(page, page.getByTestId('new-dm'), enter, newMessage, newMessage.getByLabel('To', { exact: true }))
    const account = page.getByRole('dialog', { name: 'Your account' })
    await opensAndGivesFocusBack(page, page.getByTestId('open-profile'), enter, account, account.getByLabel('Display name'))
    const status = page.getByRole('dialog', { name: 'Set a status' })
    await opensAndGivesFocusBack(page, page.getByTestId('open-status'), enter, status, status.getByLabel('What are you up to?'))
    const switcher = page.getByTestId('quick-switcher')
    await opensAndGivesFocusBack(page, page.locator('#composer-input'), () => page.keyboard.press('Control+k'), switcher, switcher.getByRole('combobox'))

    // From a message's toolbar, which stays while its dialog is open, so focus has somewhere to come back to.
    await send(page, 'focus comes back here')
    const message = messageList(page).getByTestId('message').filter({ hasText: 'focus comes back here' })
    await expect(message).toHaveAttribute('data-id', /^\d{13}:/)
    const row = messageList(page).locator('.message-body').filter({ has: page.locator(`[data-id="${await message.getAttribute('data-id')}"]`) })
    await message.focus()
    const toolbar = row.getByRole('toolbar')
    const picker = page.getByRole('dialog', { name: 'Add a reaction' })
    // Typing goes to the picker's search at once: no click first.
    await opensAndGivesFocusBack(page, toolbar.getByRole('button', { name: 'Add a reaction' }), enter, picker, picker.getByLabel('Search emoji'), undefined, async () => {
      await page.keyboard.type('party')
      await expect(picker.getByRole('option', { name: 'party popper' })).toBeVisible()
    })
    // Nothing to fill in: the least harmful choice, never Close.
    const confirm = page.getByRole('dialog', { name: 'Delete message?' })
    await opensAndGivesFocusBack(page, toolbar.getByRole('button', { name: 'Delete' }), enter, confirm, confirm.getByRole('button', { name: 'Cancel' }))
    // Nothing to act on in one's own card: the dialog itself.
    const card = page.getByTestId('profile-card')
    await opensAndGivesFocusBack(page, row.getByTestId('author'), enter, card, card, username)

    // Once the message is deleted its toolbar is gone: focus stays with the message, not lost to the page.
    await toolbar.getByRole('button', { name: 'Delete' }).focus()
    await enter()
    await confirm.getByRole('button', { name: 'Delete' }).click()
    await expect(confirm).toBeHidden()
    await expect(row.getByTestId('message-deleted')).toBeVisible()
    await expect(row.locator(':focus')).toHaveCount(1)
    await context.close()
  })
}

// The browser fires a dialog's close event in a later task: by then the person (or a test) may
// already have moved on to another control, and the dialog must not pull focus back to its opener.
test('focus moved on while a dialog closes stays where it was moved', async ({ browser, app }) => {
  const { page, context } = await register(browser, app.url)
  const newRoom = page.getByRole('dialog', { name: 'New room' })
  await page.getByTestId('new-room').focus()
  await page.keyboard.press('Enter')
  await expect(newRoom.getByLabel('Name')).toBeFocused()
  const closeFired = await page.evaluate(() => new Promise<boolean>((resolve) => {
    const dialog = document.querySelector<HTMLDialogElement>('dialog[open]')!
    // Resolves after the dialog's own close listener has run (it was added first).
    dialog.addEventListener('close', () => setTimeout(() => resolve(true)), { once: true })
    dialog.close()
    document.querySelector<HTMLElement>('[data-testid="new-dm"]')!.focus()
  }))
  expect(closeFired).toBe(true)
  await expect(page.getByTestId('new-dm')).toBeFocused()
  await context.close()
})
