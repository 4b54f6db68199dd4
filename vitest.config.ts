import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  resolve: {
    alias: { '#shared': fileURLToPath(new URL('./shared', import.meta.url)) },
  },
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/infra/**/*.test.ts'],
    env: { NODE_ENV: 'test', DATA_DIR: '/tmp/fargate-chat-vitest-data', LOG_LEVEL: 'warn' },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration tests start real servers; two cores are best used one file at a time per core.
    maxWorkers: 2,
  },
})
