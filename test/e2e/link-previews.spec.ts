import type { Page } from '@playwright/test'
import { startLinkPages } from '../support/link-pages.ts'
import { connected, expect, hydrationProblems, messageList, register, send, seriousViolations, startCluster, test } from './fixtures.ts'

/** Every address a page asks for, to prove it never contacts the linked site itself. */
function requestsOf(page: Page): string[] {
  const seen: string[] = []
  page.on('request', request => seen.push(request.url()))
  return seen
}

test('a shared link\'s card appears under the message on the other instance and after a reload, and its author removes it', async ({ browser }) => {
  test.setTimeout(120_000)
  const pages = await startLinkPages()
  // NODE_ENV test: the page server on 127.0.0.1 is let through the address filter (production refuses this).
  const cluster = await startCluster({ NODE_ENV: 'test', LINK_PREVIEWS: 'on', LINK_PREVIEW_TEST_ALLOW_ADDRESSES: '127.0.0.1' })
  try {
    const ann = await register(browser, cluster.one)
    const bob = await register(browser, cluster.two)
    const annSeen = requestsOf(ann.page)
    const bobSeen = requestsOf(bob.page)
    const link = `${pages.origin}/page?title=${encodeURIComponent('Fargate in practice')}&description=${encodeURIComponent('How the tasks run, scale and stop, with every setting explained.')}&site=Example%20Docs`

    await send(ann.page, `Worth reading: ${link}`)
    const card = messageList(bob.page).getByTestId('link-preview')
    await expect(card).toHaveCount(1)
    await expect(card).toContainText('Example Docs')
    await expect(card).toContainText('How the tasks run, scale and stop')
    const title = card.getByRole('link', { name: 'Fargate in practice' })
    await expect(title).toHaveAttribute('href', link)
    await expect(title).toHaveAttribute('target', '_blank')
    await expect(title).toHaveAttribute('rel', 'noopener noreferrer nofollow')
    // The image comes from the app, re-encoded; the browser never asks the site for anything.
    const image = card.locator('img')
    await expect(image).toHaveAttribute('src', /^\/api\/rooms\/general\/messages\/.+\/link-images\/[0-9a-f]{32}$/)
    await expect.poll(() => image.evaluate(img => (img as HTMLImageElement).naturalWidth)).toBe(600)
    // Only the author is offered the remove button.
    await expect(card.getByRole('button', { name: /Remove the preview/ })).toHaveCount(0)
    expect(await seriousViolations(bob.page)).toEqual([])

    // After a reload the server renders the card with the message, and hydration keeps it.
    hydrationProblems.length = 0
    await bob.page.reload()
    await connected(bob.page)
    await expect(messageList(bob.page).getByTestId('link-preview').getByRole('link', { name: 'Fargate in practice' })).toBeVisible()
    expect(hydrationProblems).toEqual([])

    const own = messageList(ann.page).getByTestId('link-preview')
    await own.getByRole('button', { name: 'Remove the preview of Fargate in practice' }).click()
    await expect(own).toHaveCount(0)
    await expect(messageList(bob.page).getByTestId('link-preview')).toHaveCount(0)
    await expect(messageList(bob.page)).toContainText('Worth reading')

    // Cards arriving are no edit: the author, already typing the next message, is still shown typing.
    await send(ann.page, `${pages.origin}/page?title=Later&delay=400`)
    await ann.page.locator('#composer-input').pressSequentially('and', { delay: 20 })
    await expect(bob.page.locator('.typing-dots')).toBeVisible()
    await expect(messageList(bob.page).getByTestId('link-preview').getByRole('link', { name: 'Later' })).toBeVisible()
    await expect(bob.page.locator('.typing-dots')).toBeVisible()

    expect([...annSeen, ...bobSeen].filter(url => url.startsWith(pages.origin))).toEqual([])
    await ann.context.close()
    await bob.context.close()
  }
  finally {
    await cluster.stop()
    await pages.close()
  }
})
