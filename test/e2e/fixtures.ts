import { test as base, expect, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from '@playwright/test'
import AxeBuilder from '@axe-core/playwright'
import { startApp as startServer, startDatabase, type AppOptions } from '../support/processes.ts'
import { startTwoInstances } from '../support/cluster.ts'
import { Client } from '../support/http.ts'
import { call, connect, type TestSocket } from '../support/sockets.ts'
import type { WireMessage } from '#shared/types/socket'

/** The built server to test: the repository's .output unless E2E_OUTPUT_DIR names another build. */
export const OUTPUT_DIR = process.env.E2E_OUTPUT_DIR || undefined

type Server = Awaited<ReturnType<typeof startServer>>
/** This worker's shared server, and the servers the running test started. */
let sharedServer: Server | undefined
const testServers = new Set<Server>()

/** Starts the production server for a test; its log is printed if the test fails. */
export async function startApp(options: AppOptions): Promise<Server> {
  const server = await startServer(options)
  testServers.add(server)
  return server
}

/** Two instances of the production server sharing one database, bucket and Redis, as behind a load balancer. */
export interface Cluster {
  one: string
  two: string
  stop: () => Promise<void>
}

export async function startCluster(env: Record<string, string> = {}): Promise<Cluster> {
  const { a, b, stop } = await startTwoInstances({ env, bucket: true, outputDir: OUTPUT_DIR, start: startApp })
  return { one: a.url, two: b.url, stop }
}

/** The last lines each server logged, so a failure in CI shows what the servers saw. */
function printServerLogs(title: string): void {
  for (const server of [...(sharedServer ? [sharedServer] : []), ...testServers]) {
    const tail = server.output().split('\n').slice(-60).join('\n')
    console.error(`--- ${title}: log of the server at ${server.url} (last 60 lines) ---\n${tail}`)
  }
}

/** One database and one production server per worker; tests use their own rooms and people. */
export const test = base.extend<{ serverLogs: undefined, cluster: Cluster }, { app: { url: string } }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern: none
  app: [async ({}, use) => {
    const db = await startDatabase()
    // Seeding writes many messages quickly: a generous sending limit for this server.
    const app = await startServer({ dynamodbEndpoint: db.endpoint, s3Endpoint: db.s3Endpoint, outputDir: OUTPUT_DIR, env: { MESSAGE_BURST: '1000', MESSAGES_PER_SECOND: '1000' } })
    sharedServer = app
    await use({ url: app.url })
    await app.stop()
    await db.stop()
  }, { scope: 'worker', timeout: 60_000 }],
  // A test asking for `cluster` gets two instances of its own, stopped after it.
  // eslint-disable-next-line no-empty-pattern -- as above: no dependencies
  cluster: async ({}, use) => {
    const cluster = await startCluster()
    await use(cluster)
    await cluster.stop()
  },
  // eslint-disable-next-line no-empty-pattern -- as above: no dependencies
  serverLogs: [async ({}, use, testInfo) => {
    await use(undefined)
    if (testInfo.status !== testInfo.expectedStatus) printServerLogs(testInfo.title)
    testServers.clear()
  }, { auto: true }],
})

export { expect }

let counter = 0
/** A unique, valid username or room id for this run. */
export function unique(prefix: string): string {
  return `${prefix}-${process.pid.toString(36)}${(++counter).toString(36)}${Math.random().toString(36).slice(2, 5)}`
}

/** Waits until Nuxt has hydrated the page (clicks before that would be lost). */
export async function hydrated(page: Page): Promise<void> {
  await page.waitForFunction(() => (window as unknown as { useNuxtApp?: () => { isHydrating: boolean } }).useNuxtApp?.().isHydrating === false)
}

/**
 * The room in the address is on screen and its composer says the socket is connected. Right after
 * a navigation the address already names the new room while the previous room's page is still
 * shown (Nuxt keeps it until the new one's data is read): its composer does not count.
 */
export async function connected(page: Page): Promise<void> {
  await hydrated(page)
  const room = new URL(page.url()).pathname.match(/^\/rooms\/([^/]+)$/)?.[1]
  const screen = room ? page.locator(`.chat-room[data-room="${room}"]`) : page
  await expect(screen.locator('[data-testid="composer"]')).toHaveAttribute('data-connection', 'connected', { timeout: 15_000 })
}

export interface Person {
  context: BrowserContext
  page: Page
  username: string
}

/** A new browser context (a different person) on `url`. */
export async function newPerson(browser: Browser, url: string, options: BrowserContextOptions = {}): Promise<{ context: BrowserContext, page: Page }> {
  const context = await browser.newContext({ baseURL: url, ...options })
  const page = await context.newPage()
  page.on('console', (message) => {
    if (/hydration/i.test(message.text())) hydrationProblems.push(`${page.url()}: ${message.text()}`)
  })
  return { context, page }
}

/** Console messages about hydration mismatches, from every page opened with newPerson. */
export const hydrationProblems: string[] = []

/** Creates an account through the sign-in page and lands in the room it asked for. */
export async function register(browser: Browser, url: string, path = '/rooms/general', options: BrowserContextOptions = {}): Promise<Person> {
  const { context, page } = await newPerson(browser, url, options)
  const username = unique('ann').slice(0, 32)
  await page.goto(path)
  await expect(page).toHaveURL(/\/login\?redirect=/)
  await hydrated(page)
  await page.getByRole('tab', { name: 'Create account' }).click()
  await page.getByLabel('Username').fill(username)
  await page.getByLabel('Password').fill('correct horse battery')
  await page.getByRole('button', { name: 'Create account' }).last().click()
  await expect(page).toHaveURL(new RegExp(`${path}$`))
  await connected(page)
  return { context, page, username }
}

/** Continues as a guest through the sign-in page. */
export async function guest(browser: Browser, url: string, path = '/rooms/general', options: BrowserContextOptions = {}): Promise<Person> {
  const { context, page } = await newPerson(browser, url, options)
  await page.goto(path)
  await hydrated(page)
  await page.getByRole('button', { name: 'Continue as guest' }).click()
  await expect(page).toHaveURL(new RegExp(`${path}$`))
  await connected(page)
  const username = (await page.getByTestId('signed-in-as').getAttribute('data-username'))!
  return { context, page, username }
}

/** Types a message in the composer and sends it with Enter. */
export async function send(page: Page, text: string): Promise<void> {
  const input = page.locator('#composer-input')
  await input.fill(text)
  await input.press('Enter')
}

/** The message list of a page. */
export function messageList(page: Page) {
  return page.getByTestId('message-list')
}

/** A scripted user: an account made over HTTP and a signed-in socket, for seeding; with a display name if given. */
export async function scriptUser(url: string, username = unique('bot').slice(0, 32), displayName?: string): Promise<{ client: Client, socket: TestSocket, username: string, say: (room: string, text: string) => Promise<WireMessage> }> {
  const client = new Client(url)
  const registered = await client.post('/api/auth/register', { username, password: 'correct horse battery', ...(displayName ? { displayName } : {}) })
  if (registered.status !== 201) throw new Error(`register failed: ${registered.text}`)
  const socket = await connect(url, { cookie: client.cookieHeader, origin: url })
  return {
    client,
    socket,
    username,
    async say(room, text) {
      const [err, message] = await call<WireMessage>(socket, 'new message', { room, message: text })
      if (err) throw new Error(err)
      return message
    },
  }
}

/** A browser context signed in as the account of `client` (its session cookie), on `url`. */
export async function signedIn(browser: Browser, url: string, client: Client, options: BrowserContextOptions = {}): Promise<{ context: BrowserContext, page: Page }> {
  const person = await newPerson(browser, url, options)
  await person.context.addCookies([...client.cookies].map(([name, value]) => ({ name, value, url })))
  return person
}

/** Serious and critical accessibility violations on the page as it is now, one line each. */
export async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze()
  return violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .flatMap(v => v.nodes.map(n => `${v.id}: ${n.target.join(' ')} — ${n.failureSummary ?? ''}`))
}

/** Creates a room over HTTP as `client`. */
/** Someone scripted (see scriptUser) with a new room of theirs named after `name`, made unique. */
export async function scriptUserInRoom(url: string, name: string) {
  const user = await scriptUser(url)
  return { user, room: await createRoom(user.client, unique(name)) }
}

/**
 * Ann on the cluster's first instance and Bob on its second (scripted, as Ann Archer and Bob Berg),
 * a room of Ann's (named after `name`) holding her `first` message, and a tab of each showing it.
 */
export async function annAndBobInRoom(browser: Browser, cluster: Cluster, name: string, first: string) {
  const ann = await scriptUser(cluster.one, unique('ann').slice(0, 24), 'Ann Archer')
  const bob = await scriptUser(cluster.two, unique('bob').slice(0, 24), 'Bob Berg')
  const room = await createRoom(ann.client, unique(name))
  await ann.say(room, first)
  const annTab = await signedIn(browser, cluster.one, ann.client)
  const bobTab = await signedIn(browser, cluster.two, bob.client)
  for (const { page } of [annTab, bobTab]) {
    await page.goto(`/rooms/${room}`)
    await expect(messageList(page).getByTestId('message').filter({ hasText: first })).toBeVisible()
  }
  return { ann, bob, room, annTab, bobTab }
}

export async function createRoom(client: Client, name: string, topic = ''): Promise<string> {
  const response = await client.post('/api/rooms', { name, topic })
  if (response.status !== 201) throw new Error(`room not created: ${response.text}`)
  return (response.json as { room: { id: string } }).room.id
}
