import { expect, guest, messageList, seriousViolations, test } from './fixtures.ts'

test('the composer completes :emoji: and #room from the keyboard, and the message shows the emoji and a link to the room', async ({ browser, app }) => {
  const ann = await guest(browser, app.url)
  const input = ann.page.locator('#composer-input')
  const list = ann.page.getByTestId('shortcode-suggestions')

  await input.pressSequentially('Shipped :tad')
  await expect(list.getByRole('option').first()).toContainText('🎉')
  await expect(list.getByRole('option').first()).toHaveAttribute('aria-selected', 'true')
  expect(await seriousViolations(ann.page)).toEqual([])
  await input.press('Enter')
  await expect(list).toHaveCount(0)
  await expect(input).toHaveValue('Shipped 🎉 ')

  await input.pressSequentially('see #gene')
  await expect(list.getByRole('option')).toHaveCount(1)
  await expect(list).toContainText('#general')
  await input.press('Tab')
  await expect(input).toHaveValue(`Shipped 🎉 see [#General](${app.url}/rooms/general) `)
  await input.press('Enter')

  const sent = messageList(ann.page).getByTestId('message').filter({ hasText: 'Shipped 🎉 see' })
  await expect(sent).toHaveAttribute('data-id', /^\d{13}:/)
  await expect(sent.getByRole('link', { name: '#General' })).toHaveAttribute('href', `${app.url}/rooms/general`)
  await ann.context.close()
})
