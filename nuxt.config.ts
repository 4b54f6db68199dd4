// Top-level pages/, components/, stores/ as the design asks: srcDir is the root.
export default defineNuxtConfig({
  modules: ['@pinia/nuxt', '@nuxt/eslint'],
  devtools: { enabled: false },
  app: {
    head: {
      htmlAttrs: { lang: 'en' },
      meta: [
        { name: 'viewport', content: 'width=device-width, initial-scale=1' },
        { name: 'color-scheme', content: 'light' },
      ],
      link: [{ rel: 'icon', type: 'image/svg+xml', href: '/favicon.svg' }],
    },
  },
  // Bootstrap compiled from Sass with only the parts the pages use (assets/css/bootstrap.scss).
  css: ['~/assets/css/bootstrap.scss', '~/assets/css/chat.css'],
  srcDir: '.',
  compatibilityDate: '2026-11-01',
  nitro: {
    experimental: { websocket: true },
    // .br and .gz beside every public file over 1 KB, served by Accept-Encoding; pages and JSON are
    // compressed per request by server/plugins/compression.ts.
    compressPublicAssets: { gzip: true, brotli: true },
    // dynalite (and its native LevelDB) is loaded only by the embedded development database.
    externals: { external: ['dynalite', 'level', 'classic-level', 'abstract-level'] },
  },
  vite: {
    optimizeDeps: { include: ['socket.io-client'] },
    css: {
      preprocessorOptions: {
        // Bootstrap 5.3's Sass still uses @import and global functions that Dart Sass deprecates.
        scss: { quietDeps: true, silenceDeprecations: ['import', 'global-builtin', 'color-functions', 'if-function'] },
      },
    },
  },
  typescript: {
    strict: true,
    // srcDir is the root, so the app's tsconfig would take in the server, tests and scripts as
    // browser code: they have their own (Nitro's, and test/tsconfig.json for Node).
    tsConfig: { exclude: ['../server', '../test', '../bench', '../scripts', '../infra', '../.output'] },
  },
  telemetry: false,
  // ESLint's flat config is generated from this project's layout (eslint.config.mjs extends it).
  eslint: { config: { stylistic: true } },
})
