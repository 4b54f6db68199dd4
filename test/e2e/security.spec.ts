import type { BrowserContext } from '@playwright/test'
import { connected, expect, hydrated, newPerson, send, messageList, test, unique } from './fixtures.ts'

/**
 * Every Content-Security-Policy violation in a browser context: the page's own
 * `securitypolicyviolation` events (reported through a binding, so they survive navigations) and
 * the console lines Chromium writes when it refuses something.
 */
async function watchCsp(context: BrowserContext): Promise<string[]> {
  const violations: string[] = []
  await context.exposeBinding('reportCspViolation', ({ page }, text: string) => {
    violations.push(`${page.url()}: ${text}`)
  })
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const report = (window as unknown as { reportCspViolation: (text: string) => void }).reportCspViolation
      report(`${event.effectiveDirective} blocked ${event.blockedURI || 'inline'} (${event.sourceFile}:${event.lineNumber})`)
    })
  })
  context.on('console', (message) => {
    if (/Content Security Policy|Refused to (load|execute|apply|connect|frame)/i.test(message.text())) violations.push(`console: ${message.text()}`)
  })
  return violations
}

test('every page loads and works under the Content-Security-Policy without a single violation', async ({ browser, app }) => {
  const { context, page } = await newPerson(browser, app.url)
  const violations = await watchCsp(context)

  // Signed out: the sign-in page, with its policy in place.
  const response = await page.goto('/login')
  expect(response!.headers()['content-security-policy']).toMatch(/script-src [^;]*'nonce-/)
  await hydrated(page)
  // An account (guests cannot create rooms, and the new-room dialog is checked below).
  await page.getByRole('tab', { name: 'Create account' }).click()
  await page.getByLabel('Username').fill(unique('csp').slice(0, 32))
  await page.getByLabel('Password').fill('correct horse battery')
  await page.getByRole('button', { name: 'Create account' }).last().click()

  // A room: scripts, styles, the avatar and the Socket.io websocket all pass the policy.
  await expect(page).toHaveURL(/\/rooms\/general$/)
  await connected(page)
  await send(page, 'hello under a strict policy')
  await expect(messageList(page)).toContainText('hello under a strict policy')
  await page.getByTestId('new-room').click()
  await expect(page.getByRole('dialog')).toBeVisible()
  await page.keyboard.press('Escape')

  // A full page load of a room page, and of a room that does not exist.
  await page.goto('/rooms/lambda')
  await connected(page)
  await page.goto(`/rooms/${unique('missing')}`)
  await hydrated(page)
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible()

  expect(violations).toEqual([])
  await context.close()
})

test('the pages refuse to be framed by another site', async ({ browser, app }) => {
  const { context, page } = await newPerson(browser, app.url)
  const violations = await watchCsp(context)
  // A page of another origin (about:blank counts as opaque) framing the sign-in page.
  await page.setContent(`<iframe id="victim" src="${app.url}/login"></iframe>`)
  await expect.poll(() => violations.join('\n')).toMatch(/frame-ancestors/)
  await expect(page.frameLocator('#victim').getByRole('button', { name: 'Continue as guest' })).toHaveCount(0)
  await context.close()
})

test('a sign-in typed before the page has hydrated never puts the password in an address', async ({ browser, app }) => {
  // Without scripts the page stays as the server rendered it: what a slow phone shows before hydration.
  const context = await browser.newContext({ baseURL: app.url, javaScriptEnabled: false })
  const page = await context.newPage()
  const requested: string[] = []
  page.on('request', request => requested.push(request.url()))
  await page.goto('/login')
  await page.getByLabel('Username').fill('somebody')
  await page.getByLabel('Password').fill('my secret password')
  await page.getByLabel('Password').press('Enter')
  await page.getByRole('button', { name: 'Sign in' }).click({ force: true, noWaitAfter: true }).catch(() => undefined)
  await page.waitForLoadState()
  expect(page.url()).not.toContain('secret')
  expect(requested.filter(url => url.includes('secret'))).toEqual([])
  await context.close()
})
