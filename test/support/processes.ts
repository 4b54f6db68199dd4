import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:net'
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))
/** Node 24 from the `node` devDependency, the same runtime the image ships. */
export const NODE = `${ROOT}node_modules/.bin/node`

export async function freePort(): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  server.close()
  return port
}

export interface Running {
  process: ChildProcess
  output: () => string
  stop: (signal?: NodeJS.Signals) => Promise<number | null>
}

function track(child: ChildProcess): Running {
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => { output += chunk.toString() })
  child.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString() })
  const exited = new Promise<number | null>(resolve => child.once('exit', code => resolve(code)))
  return {
    process: child,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
      return exited
    },
  }
}

/**
 * The embedded database as its own process (`npm run db`), in memory on a free port unless given
 * a port and a folder for its data (the chaos suite kills it and starts it again on both).
 */
export async function startDatabase(options: { port?: number, dir?: string } = {}): Promise<Running & { endpoint: string, s3Endpoint: string }> {
  const storage = options.dir ? ['--path', `${options.dir}/dynamodb`] : ['--memory']
  const env = options.dir ? { ...process.env, DATA_DIR: options.dir } : process.env
  const child = spawn(NODE, ['scripts/db.ts', '--port', String(options.port ?? 0), '--s3-port', '0', ...storage], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
  const running = track(child)
  const [line] = await Promise.race([
    once(child.stdout!, 'data') as Promise<[Buffer]>,
    once(child, 'exit').then(() => { throw new Error(`database did not start:\n${running.output()}`) }),
  ])
  const started = JSON.parse(line.toString().split('\n')[0]!) as { endpoint: string, s3Endpoint: string }
  return { ...running, endpoint: started.endpoint, s3Endpoint: started.s3Endpoint }
}

const TEST_TABLES = { USER_TABLE: 'fargate-chat-users', MESSAGE_TABLE: 'fargate-chat-messages', ROOM_TABLE: 'fargate-chat-rooms', ROOM_DIRECTORY_TABLE: 'fargate-chat-room-directory', SESSION_TABLE: 'fargate-chat-sessions', MEMBERSHIP_TABLE: 'fargate-chat-memberships', PEOPLE_TABLE: 'fargate-chat-people', SEARCH_TABLE: 'fargate-chat-search', UPLOAD_BUCKET: 'fargate-chat-uploads', MESSAGE_CHANGE_TABLE: 'fargate-chat-message-changes', THREAD_TABLE: 'fargate-chat-threads' }

export interface AppOptions {
  dynamodbEndpoint: string
  /** The upload bucket's server (`startDatabase().s3Endpoint`); unset, uploads would go to AWS. */
  s3Endpoint?: string
  redisUrl?: string
  port?: number
  env?: Record<string, string>
  /** Folder holding the built server; defaults to the repository's .output. */
  outputDir?: string
  sessionPassword?: string
}

const SESSION_PASSWORD = randomBytes(32).toString('hex')

/** The environment the container gives the server, pointed at local dynalite (and Redis). */
export function productionEnv(options: { port: number, dynamodbEndpoint: string, s3Endpoint?: string, redisUrl?: string, sessionPassword?: string, env?: Record<string, string> }): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    PORT: String(options.port),
    HOST: '127.0.0.1',
    // Where browsers (and the tests' clients, which send it as Origin) reach the app.
    PUBLIC_ORIGIN: `http://127.0.0.1:${options.port}`,
    AWS_REGION: 'us-east-1',
    DYNAMODB_ENDPOINT: options.dynamodbEndpoint,
    NUXT_SESSION_PASSWORD: options.sessionPassword ?? SESSION_PASSWORD,
    LOG_LEVEL: 'warn',
    // Tests make many accounts and guests from one address; the tests of these limits lower them.
    REGISTRATIONS_PER_HOUR: '100000',
    GUESTS_PER_HOUR: '100000',
    // Tests' messages link to real sites (example.com): no test reads them; the link preview tests
    // turn previews on, pointed at their own page server.
    LINK_PREVIEWS: 'off',
    ...TEST_TABLES,
    ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
    ...(options.s3Endpoint ? { S3_ENDPOINT: options.s3Endpoint } : {}),
    ...options.env,
  }
}

/** The production artefact, started the way the container starts it. */
export async function startApp(options: AppOptions): Promise<Running & { url: string, port: number }> {
  const port = options.port ?? await freePort()
  const child = spawn(NODE, [`${options.outputDir ?? `${ROOT}.output`}/server/index.mjs`], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: productionEnv({ port, ...options }),
  })
  const running = track(child)
  const url = `http://127.0.0.1:${port}`
  await waitUntil(async () => {
    if (child.exitCode !== null) throw new Error(`app exited with ${child.exitCode}:\n${running.output()}`)
    const response = await fetch(`${url}/api/ready`).catch(() => null)
    return response?.status === 200
  }, 20_000, () => `app did not become ready:\n${running.output()}`)
  return { ...running, url, port }
}

export async function waitUntil(condition: () => Promise<boolean> | boolean, timeoutMs = 5000, message: () => string = () => 'condition not met'): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await condition()) return
    await new Promise(resolve => setTimeout(resolve, 50))
  }
  throw new Error(`Timed out after ${timeoutMs} ms: ${message()}`)
}
