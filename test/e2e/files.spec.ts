import type { Page, Route } from '@playwright/test'
import { PDF, png } from '../support/uploads.ts'
import { expect, guest, messageList, test } from './fixtures.ts'

/** A DataTransfer holding files, built in the page (as the clipboard or a drag would hand them over). */
function fileTransfer(page: Page, ...files: { name: string, type: string, bytes: Uint8Array }[]) {
  return page.evaluateHandle((list) => {
    const transfer = new DataTransfer()
    for (const { name, type, base64 } of list) transfer.items.add(new File([Uint8Array.from(atob(base64), c => c.charCodeAt(0))], name, { type }))
    return transfer
  }, files.map(file => ({ name: file.name, type: file.type, base64: Buffer.from(file.bytes).toString('base64') })))
}

test('an image pasted on one instance appears on the other with its space kept, then as a thumbnail that opens full size', async ({ browser, cluster }) => {
  test.setTimeout(120_000)
  const ann = await guest(browser, cluster.one)
  const bob = await guest(browser, cluster.two)
  const image = await png(640, 400)
  // The upload is held on its way to the bucket until Ann has pressed Enter.
  let upload!: (route: Route) => void
  const uploading = new Promise<Route>(resolve => upload = resolve)
  await ann.page.route('**/fargate-chat-uploads', route => route.request().method() === 'POST' ? upload(route) : route.continue())
  const clipboard = await fileTransfer(ann.page, { name: 'image.png', type: 'image/png', bytes: image })
  await ann.page.locator('#composer-input').fill('Screenshot')
  await ann.page.locator('#composer-input').evaluate((input, data) => {
    input.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }))
  }, clipboard)
  await expect(ann.page.getByRole('progressbar', { name: 'Upload of image.png' })).toBeVisible()
  const held = await uploading
  // Enter while the file is still on its way: the message goes once the file is stored.
  await ann.page.locator('#composer-input').press('Enter')
  await expect(ann.page.getByTestId('send-when-stored')).toHaveText('Sends when the upload finishes…')
  await held.continue()
  await expect(ann.page.locator('#composer-input')).toHaveValue('')

  const shown = messageList(bob.page).getByTestId('attachment-image').getByRole('img', { name: 'image.png' })
  // 640 × 400 fits the 320 × 240 box as 320 × 200, set before the image loads.
  await expect(shown).toHaveAttribute('width', '320')
  await expect(shown).toHaveAttribute('height', '200')
  await expect(messageList(bob.page)).toContainText('Screenshot')
  await expect(shown).toHaveAttribute('src', /\/thumbnail$/, { timeout: 20_000 })
  await expect.poll(() => shown.evaluate(img => (img as HTMLImageElement).naturalWidth), { timeout: 20_000 }).toBeGreaterThan(0)

  await messageList(bob.page).getByRole('button', { name: 'View image.png full size' }).click()
  const viewer = bob.page.getByRole('dialog', { name: 'image.png' })
  await expect(viewer).toBeVisible()
  await expect.poll(() => viewer.getByRole('img').evaluate(img => (img as HTMLImageElement).naturalWidth), { timeout: 20_000 }).toBe(640)
  await ann.context.close()
  await bob.context.close()
})

test('a PDF dropped on the composer is sent as a card and downloads under its name; a file cancelled while uploading is left out', async ({ browser, app }) => {
  const ann = await guest(browser, app.url)
  // The bucket holds on to one file's upload, so that it can be cancelled while in flight.
  let held: Route | undefined
  await ann.page.route('**/fargate-chat-uploads', async (route) => {
    if (route.request().method() === 'POST' && route.request().postDataBuffer()?.includes('filename="slow.bin"')) held = route
    else await route.continue()
  })
  const drop = await fileTransfer(ann.page, { name: 'report.pdf', type: 'application/pdf', bytes: PDF }, { name: 'slow.bin', type: 'application/octet-stream', bytes: new Uint8Array(2048) })
  await ann.page.getByTestId('composer').dispatchEvent('drop', { dataTransfer: drop })
  await expect(ann.page.getByRole('progressbar', { name: 'Upload of report.pdf' })).toHaveAttribute('aria-valuenow', '100', { timeout: 20_000 })
  await expect.poll(() => held !== undefined, { timeout: 20_000 }).toBe(true)
  // Sent with no caption while a file is still uploading: the message waits for every file.
  await ann.page.getByRole('button', { name: 'Send' }).click()
  await expect(ann.page.getByTestId('send-when-stored')).toBeVisible()
  await expect(ann.page.getByRole('button', { name: 'Send' })).toBeDisabled()
  // Cancelling the slow one lets it go with the other.
  await ann.page.getByRole('button', { name: 'Cancel the upload of slow.bin' }).click()
  const card = messageList(ann.page).getByTestId('attachment-file').filter({ hasText: 'report.pdf' })
  await expect(card).toContainText(`${PDF.length} B · application/pdf`)
  await expect(ann.page.getByTestId('upload-item')).toHaveCount(0)
  await expect(messageList(ann.page).getByTestId('attachment-file')).toHaveCount(1)

  const [download] = await Promise.all([ann.page.waitForEvent('download'), card.getByRole('link', { name: 'Download' }).click()])
  expect(download.suggestedFilename()).toBe('report.pdf')
  const saved = await download.createReadStream()
  const chunks: Buffer[] = []
  for await (const chunk of saved) chunks.push(chunk as Buffer)
  expect(Buffer.concat(chunks).equals(Buffer.from(PDF))).toBe(true)
  await held?.abort().catch(() => undefined)
  await ann.context.close()
})

test('an image whose thumbnail cannot be made is offered as a file to download, never shown', async ({ browser, app }) => {
  const ann = await guest(browser, app.url)
  const damaged = await png(320, 200)
  // The header stays readable (so it is sent); the pixel data no longer decodes.
  damaged.fill(0x5A, 60, damaged.length - 20)
  const drop = await fileTransfer(ann.page, { name: 'damaged.png', type: 'image/png', bytes: damaged })
  await ann.page.getByTestId('composer').dispatchEvent('drop', { dataTransfer: drop })
  await expect(ann.page.getByRole('progressbar', { name: 'Upload of damaged.png' })).toHaveAttribute('aria-valuenow', '100', { timeout: 20_000 })
  await ann.page.getByRole('button', { name: 'Send' }).click()
  await expect(messageList(ann.page).getByTestId('attachment-file').filter({ hasText: 'damaged.png' })).toBeVisible({ timeout: 20_000 })
  await expect(messageList(ann.page).getByTestId('attachment-image')).toHaveCount(0)
  await ann.context.close()
})
