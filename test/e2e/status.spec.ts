import type { Page } from '@playwright/test'
import { call } from '../support/sockets.ts'
import { annAndBobInRoom, createRoom, expect, hydrated, hydrationProblems, messageList, scriptUser, seriousViolations, signedIn, startCluster, test, unique } from './fixtures.ts'

/** Ann's row in the who-is-here list (opened first). */
async function memberRow(page: Page, username: string) {
  const list = page.getByTestId('online-list')
  if (!await list.isVisible()) await page.getByTestId('online-count').click()
  return list.locator(`li[data-username="${username}"]`)
}

test('a status set on one instance shows beside the name in messages and the member list on the other, live and after a reload, and clearing it takes it away', async ({ browser, cluster }) => {
  const { ann, annTab, bobTab } = await annAndBobInRoom(browser, cluster, 'Status', 'standup notes are in the doc')
  for (const { page } of [annTab, bobTab]) await hydrated(page)
  await expect(bobTab.page.getByTestId('online-count')).toContainText('2 here')

  // Ann picks the "In a meeting" preset (1 hour) in the dialog from the account menu.
  await annTab.page.getByRole('button', { name: 'Set a status…' }).click()
  const dialog = annTab.page.getByRole('dialog', { name: 'Set a status' })
  await expect(dialog.getByLabel('What are you up to?')).toBeFocused()
  await dialog.getByRole('button', { name: 'In a meeting' }).click()
  await expect(dialog.getByLabel('What are you up to?')).toHaveValue('In a meeting')
  await expect(dialog.getByLabel('Clear after')).toHaveValue('1h')
  expect(await seriousViolations(annTab.page)).toEqual([])
  await dialog.getByRole('button', { name: 'Save' }).click()
  await expect(dialog).toBeHidden()
  await expect(annTab.page.getByTestId('signed-in-as').getByRole('img', { name: /^In a meeting, until / })).toHaveText('📅')

  // Bob sees it live beside Ann's name: her messages and the list of who is here.
  const inMessages = messageList(bobTab.page).getByRole('img', { name: /^In a meeting, until / })
  await expect(inMessages).toHaveText('📅')
  await expect((await memberRow(bobTab.page, ann.username)).getByRole('img', { name: /^In a meeting, until / })).toBeVisible()
  expect(await seriousViolations(bobTab.page)).toEqual([])

  // After a reload it is rendered by the server and hydrates without a warning, in dark mode too.
  hydrationProblems.length = 0
  await bobTab.context.addCookies([{ name: 'color-mode', value: 'dark', url: cluster.two }])
  await bobTab.page.reload()
  await hydrated(bobTab.page)
  await expect(bobTab.page.locator('html')).toHaveAttribute('data-bs-theme', 'dark')
  await expect(inMessages).toHaveText('📅')
  await expect((await memberRow(bobTab.page, ann.username)).getByRole('img', { name: /^In a meeting, until / })).toBeVisible()
  expect(hydrationProblems).toEqual([])
  expect(await seriousViolations(bobTab.page)).toEqual([])

  // The profile card says it in words, with its end.
  await messageList(bobTab.page).getByTestId('author').first().click()
  await expect(bobTab.page.getByTestId('profile-status')).toContainText(/In a meeting\s*until /)
  await bobTab.page.keyboard.press('Escape')

  // Ann's dialog in dark mode passes too; she clears her status and it goes for Bob.
  await annTab.page.getByTestId('color-mode').selectOption({ label: 'Dark' })
  await annTab.page.getByRole('button', { name: 'Set a status…' }).click()
  await expect(dialog.getByLabel('What are you up to?')).toHaveValue('In a meeting')
  expect(await seriousViolations(annTab.page)).toEqual([])
  await dialog.getByRole('button', { name: 'Clear status' }).click()
  await expect(dialog).toBeHidden()
  await expect(inMessages).toHaveCount(0)
  await expect((await memberRow(bobTab.page, ann.username)).getByTestId('person-status')).toHaveCount(0)
  for (const tab of [annTab, bobTab]) await tab.context.close()
})

test('someone whose only tab goes idle shows away in the member list on the other instance, with a hollow dot, and active again once they do something', async ({ browser }) => {
  // Away after two idle seconds: Bob's own tab reports once a minute, so he goes away too (unchecked).
  const cluster = await startCluster({ AWAY_AFTER_SECONDS: '2' })
  try {
    const ann = await scriptUser(cluster.one, unique('ann').slice(0, 24), 'Ann Archer')
    const bob = await scriptUser(cluster.two, unique('bob').slice(0, 24), 'Bob Berg')
    const room = await createRoom(bob.client, unique('Away'))
    await ann.say(room, 'back in a bit')
    expect((await call(ann.socket, 'join room', room))[0]).toBeNull()
    const bobTab = await signedIn(browser, cluster.two, bob.client, { colorScheme: 'dark' })
    await bobTab.page.goto(`/rooms/${room}`)
    await hydrated(bobTab.page)

    const annRow = await memberRow(bobTab.page, ann.username)
    await expect(annRow.getByRole('img', { name: 'away' })).toBeVisible()
    await expect(annRow).toHaveAttribute('data-away', 'true')
    expect(await seriousViolations(bobTab.page)).toEqual([])
    ann.socket.emit('active')
    await expect(annRow.getByRole('img', { name: 'active' })).toBeVisible()
    await bobTab.context.close()
  }
  finally {
    await cluster.stop()
  }
})
