import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { freePort, waitUntil } from './processes.ts'

export interface RunningRedis {
  port: number
  url: string
  /** The server's process id (CPU sampling, kill -9, SIGSTOP). */
  pid: () => number
  stop: () => void
  restart: () => Promise<void>
}

function start(port: number): void {
  execFileSync('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'yes', '--pidfile', `/tmp/fargate-chat-redis-${port}.pid`, '--logfile', `/tmp/fargate-chat-redis-${port}.log`])
}

function ping(port: number): boolean {
  try {
    return execFileSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).trim() === 'PONG'
  }
  catch {
    return false
  }
}

/** A real redis-server on a free loopback port, for this test file only. */
export async function startRedis(): Promise<RunningRedis> {
  const port = await freePort()
  start(port)
  await waitUntil(() => ping(port), 5000, () => 'redis-server did not start')
  const stop = () => {
    try {
      execFileSync('redis-cli', ['-p', String(port), 'shutdown', 'nosave'], { stdio: 'ignore' })
    }
    catch { /* already stopped */ }
  }
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    pid: () => Number(readFileSync(`/tmp/fargate-chat-redis-${port}.pid`, 'utf8').trim()),
    stop,
    async restart() {
      stop()
      await waitUntil(() => !ping(port), 5000)
      start(port)
      await waitUntil(() => ping(port), 5000, () => 'redis-server did not restart')
    },
  }
}
