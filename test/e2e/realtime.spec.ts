import { startDatabase, freePort } from '../support/processes.ts'
import { startRedis } from '../support/redis.ts'
import { OUTPUT_DIR, connected, expect, guest, messageList, send, startApp, test } from './fixtures.ts'

test('two people connected to different server instances sharing Redis still chat live', async ({ browser, cluster }) => {
  const ann = await guest(browser, cluster.one)
  const bob = await guest(browser, cluster.two)
  await send(ann.page, 'Hello from instance one')
  await expect(messageList(bob.page)).toContainText('Hello from instance one')
  await send(bob.page, 'Hello back from instance two')
  await expect(messageList(ann.page)).toContainText('Hello back from instance two')
  // Presence is shared too: each sees the other in the room.
  await expect(ann.page.getByTestId('online-count')).toContainText('2 here')
  await ann.context.close()
  await bob.context.close()
})

test('after a server restart the open page shows a banner, recovers, shows what was said meanwhile and sends what was written meanwhile', async ({ browser }) => {
  test.setTimeout(90_000)
  const redis = await startRedis()
  const db = await startDatabase()
  // Ann's server restarts; Bob stays on a second instance (same database and Redis) and keeps talking.
  const port = await freePort()
  const options = { dynamodbEndpoint: db.endpoint, redisUrl: redis.url, outputDir: OUTPUT_DIR }
  let annServer = await startApp({ ...options, port })
  const bobServer = await startApp(options)
  try {
    const ann = await guest(browser, annServer.url)
    const bob = await guest(browser, bobServer.url)
    await send(ann.page, 'Before the restart')
    await expect(messageList(bob.page)).toContainText('Before the restart')

    // While her server is down Ann keeps writing: messages wait, a draft stays a draft.
    await annServer.stop('SIGKILL')
    await expect(ann.page.getByTestId('connection-banner')).toBeVisible()
    const written = ['Written while down 1', 'Written while down 2']
    for (const text of written) await send(ann.page, text)
    await expect(messageList(ann.page).locator('.status-queued')).toHaveCount(2)
    await ann.page.locator('#composer-input').fill('Typed while offline')

    const meanwhile = ['Said while Ann was away 1', 'Said while Ann was away 2', 'Said while Ann was away 3']
    for (const text of meanwhile) {
      await send(bob.page, text)
      await expect(messageList(bob.page).getByTestId('message').filter({ hasText: text })).toHaveClass(/status-stored/)
    }

    annServer = await startApp({ ...options, port })
    await expect(ann.page.getByTestId('connection-banner')).toBeHidden({ timeout: 15_000 })
    await connected(ann.page)
    for (const text of [...meanwhile, ...written]) await expect(messageList(ann.page).getByTestId('message').filter({ hasText: text })).toHaveCount(1)
    for (const text of written) await expect(messageList(bob.page).getByTestId('message').filter({ hasText: text })).toHaveCount(1)
    await expect(messageList(ann.page).locator('.status-queued')).toHaveCount(0)
    await expect(ann.page.locator('#composer-input')).toHaveValue('Typed while offline')
    await ann.page.locator('#composer-input').press('Enter')
    await expect(messageList(bob.page)).toContainText('Typed while offline')

    // Nothing missing, nothing twice, in the order it is stored: both lists equal the stored history.
    const stored = ['Before the restart', ...meanwhile, ...written, 'Typed while offline']
    for (const page of [ann.page, bob.page]) {
      await expect.poll(() => messageList(page).locator('[data-testid="message"] .message-text').allTextContents()).toEqual(stored)
    }
    await ann.context.close()
    await bob.context.close()
  }
  finally {
    await Promise.all([annServer.stop(), bobServer.stop()])
    await db.stop()
    redis.stop()
  }
})
