import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'
import { defineVitestProject } from '@nuxt/test-utils/config'

/** Client code (stores, composables) runs in the Nuxt environment: auto-imports, Pinia and a DOM as in the browser. */
const CLIENT_TESTS = 'test/unit/client/**/*.test.ts'

export default defineConfig({
  resolve: {
    alias: { '#shared': fileURLToPath(new URL('./shared', import.meta.url)) },
  },
  test: {
    env: { NODE_ENV: 'test', DATA_DIR: '/tmp/fargate-chat-vitest-data', LOG_LEVEL: 'warn' },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration tests start real servers; two cores are best used one file at a time per core.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'server',
          include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/infra/**/*.test.ts'],
          exclude: [CLIENT_TESTS],
        },
      },
      await defineVitestProject({
        test: {
          name: 'client',
          include: [CLIENT_TESTS],
          environment: 'nuxt',
          environmentOptions: { nuxt: { domEnvironment: 'happy-dom' } },
        },
      }),
    ],
  },
})
