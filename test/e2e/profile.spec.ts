import { connected, expect, hydrated, newPerson, register, test } from './fixtures.ts'

/** Another browser signed in to `username` (over the API, sharing the context's cookies). */
async function elsewhere(browser: Parameters<typeof newPerson>[0], url: string, username: string, password: string) {
  const { context, page } = await newPerson(browser, url)
  const response = await context.request.post('/api/auth/login', { data: { username, password }, headers: { origin: url } })
  expect(response.status()).toBe(200)
  await page.goto('/rooms/general')
  await connected(page)
  return { context, page }
}

test('from the account dialog a person changes their password and signs out their other sessions', async ({ browser, app }) => {
  const person = await register(browser, app.url)
  const { page } = person
  const other = await elsewhere(browser, app.url, person.username, 'correct horse battery')

  await page.getByTestId('open-profile').click()
  const dialog = page.getByRole('dialog', { name: 'Your account' })
  await expect(dialog).toBeVisible()
  await dialog.getByLabel('Current password').fill('correct horse battery')
  await dialog.getByLabel('New password').fill('short')
  await dialog.getByRole('button', { name: 'Change password' }).click()
  await expect(dialog.getByText('Password must be at least 8 characters')).toBeVisible()
  await dialog.getByLabel('New password').fill('a brand new passphrase')
  await dialog.getByRole('button', { name: 'Change password' }).click()
  await expect(dialog.getByRole('status')).toHaveText('Password changed. 1 other session was signed out.')

  // The other browser's open page is signed out by itself (its socket was closed); this one is not.
  await expect(other.page).toHaveURL(/\/login\?redirect=/)
  const third = await elsewhere(browser, app.url, person.username, 'a brand new passphrase')

  await dialog.getByRole('button', { name: 'Sign out of all other sessions' }).click()
  await expect(dialog.getByRole('status')).toHaveText('1 other session was signed out.')
  await third.page.reload()
  await expect(third.page).toHaveURL(/\/login\?redirect=/)

  await page.reload()
  await hydrated(page)
  await expect(page).toHaveURL(/\/rooms\/general$/)
  await connected(page)
  await Promise.all([person.context.close(), other.context.close(), third.context.close()])
})
