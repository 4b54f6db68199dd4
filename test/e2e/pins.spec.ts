import type { Page } from '@playwright/test'
import { annAndBobInRoom, expect, messageList, seriousViolations, test } from './fixtures.ts'

/** The stored message showing `text`. */
function messageWith(page: Page, text: string) {
  return messageList(page).getByTestId('message').filter({ hasText: text })
}

test('a message pinned from its actions on one instance shows pinned and in the header\'s list on the other, live and after a reload, and unpinning there takes it away everywhere', async ({ browser, cluster }) => {
  const { ann, room, annTab, bobTab } = await annAndBobInRoom(browser, cluster, 'Pins', 'the on-call rota lives in the wiki')
  await expect(bobTab.page.getByTestId('online-count')).toContainText('2 here')

  await messageWith(annTab.page, 'on-call rota').hover()
  await annTab.page.getByTestId('pin-toggle').click()
  await expect(messageList(annTab.page).getByTestId('pinned-mark')).toHaveText('📌 Pinned by you')
  await expect(messageList(bobTab.page).getByTestId('pinned-mark')).toHaveText('📌 Pinned by Ann Archer')

  await bobTab.page.getByTestId('pins-button').click()
  await expect(bobTab.page.getByTestId('pinned-message')).toHaveCount(1)
  await expect(bobTab.page.getByTestId('pinned-message')).toContainText('Ann Archer')
  await expect(bobTab.page.getByTestId('pinned-message')).toContainText('the on-call rota lives in the wiki')
  expect(await seriousViolations(bobTab.page)).toEqual([])

  // A second pin, made while Bob's list is open, joins it live at the top.
  const second = await ann.say(room, 'release notes draft')
  expect((await ann.client.request(`/api/rooms/${room}/pins/${encodeURIComponent(second.message)}`, { method: 'PUT' })).status).toBe(200)
  await expect(bobTab.page.getByTestId('pinned-message')).toHaveCount(2)
  await expect(bobTab.page.getByTestId('pinned-message').first()).toContainText('release notes draft')

  await annTab.page.reload()
  await expect(messageWith(annTab.page, 'on-call rota').getByTestId('pinned-mark')).toHaveText('📌 Pinned by you')

  await bobTab.page.getByTestId('pinned-message').filter({ hasText: 'on-call rota' }).getByRole('button', { name: 'Unpin' }).click()
  await expect(bobTab.page.getByTestId('pinned-message')).toHaveCount(1)
  await expect(messageList(annTab.page).getByTestId('pinned-mark')).toHaveCount(1)
  await expect(messageWith(annTab.page, 'on-call rota').getByTestId('pinned-mark')).toHaveCount(0)
  for (const tab of [annTab, bobTab]) await tab.context.close()
})
