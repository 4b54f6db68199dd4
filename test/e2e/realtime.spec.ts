import { startDatabase, freePort } from '../support/processes.ts'
import { startRedis } from '../support/redis.ts'
import { call, closeAll } from '../support/sockets.ts'
import { OUTPUT_DIR, connected, createRoom, expect, guest, hydrated, messageList, scriptUser, send, signedIn, startApp, test, unique } from './fixtures.ts'

test.afterAll(() => closeAll())

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

test('the sidebar stays true on every instance: previews follow edits and deletions, renames, topics and archiving reach everyone, a DM shows the other person', async ({ browser, cluster }) => {
  const alice = await scriptUser(cluster.one, unique('alice').slice(0, 24), 'Alice Andersen')
  const bob = await scriptUser(cluster.two, unique('bob').slice(0, 24), 'Bob Berg')
  const room = await createRoom(alice.client, unique('live'), 'First topic')
  const quiet = await createRoom(alice.client, unique('quiet'), 'Nothing said yet')
  const typo = await alice.say(room, 'this has a typo teh')
  expect((await call(bob.socket, 'join room', room))[0]).toBeNull()

  // Bob reads #general on the other instance; a guest who joined nothing looks at the quiet room.
  const reader = await signedIn(browser, cluster.two, bob.client)
  await reader.page.goto('/rooms/general')
  await connected(reader.page)
  const item = reader.page.getByTestId('room-list').locator(`a[data-room="${room}"]`)
  await expect(item).toContainText('Alice Andersen: this has a typo teh')
  const onlooker = await guest(browser, cluster.one, `/rooms/${quiet}`)

  expect((await call(alice.socket, 'edit message', { room, message: typo.message, text: 'this has a typo the' }))[0]).toBeNull()
  await expect(item).toContainText('Alice Andersen: this has a typo the')
  expect((await call(alice.socket, 'delete message', { room, message: typo.message }))[0]).toBeNull()
  await expect(item).toContainText('Alice Andersen: message deleted')

  expect((await alice.client.request(`/api/rooms/${room}`, { method: 'PATCH', body: { name: 'Renamed and live' } })).status).toBe(200)
  await expect(item).toContainText('Renamed and live')
  expect((await alice.client.request(`/api/rooms/${quiet}`, { method: 'PATCH', body: { topic: 'A topic changed live', archived: true } })).status).toBe(200)
  await expect(reader.page.locator(`a[data-room="${quiet}"]`)).toContainText('A topic changed live')
  await expect(onlooker.page.locator(`a[data-room="${quiet}"]`)).toContainText('A topic changed live')
  await expect(onlooker.page.getByTestId('archived-notice')).toBeVisible()
  await expect(onlooker.page.locator('#composer-input')).toHaveCount(0)

  // A new DM arrives live under Alice's name and with her picture, not one made from its id.
  const dm = (await alice.client.post('/api/dms', { usernames: [bob.username] })).json.room.id
  await alice.say(dm, 'Hi Bob')
  const conversation = reader.page.getByTestId('dm-list').locator(`a[data-room="${dm}"]`)
  await expect(conversation).toContainText(/^Alice Andersen.*Alice Andersen: Hi Bob/)
  await expect(conversation.locator('img')).toHaveAttribute('src', `/api/avatars/${alice.username}.svg`)
  // As the server renders it.
  await reader.page.reload()
  await hydrated(reader.page)
  await expect(conversation.locator('img')).toHaveAttribute('src', `/api/avatars/${alice.username}.svg`)
  await expect(item).toContainText('Renamed and live')
  await reader.context.close()
  await onlooker.context.close()
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
