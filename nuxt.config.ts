// Top-level pages/, components/, stores/ as the design asks: srcDir is the root.
export default defineNuxtConfig({
  compatibilityDate: '2026-11-01',
  srcDir: '.',
  modules: ['@pinia/nuxt'],
  css: ['bootstrap/dist/css/bootstrap.min.css', '~/assets/css/chat.css'],
  typescript: {
    strict: true,
    // srcDir is the root, so the app's tsconfig would take in the server, tests and scripts as
    // browser code: they have their own (Nitro's, and test/tsconfig.json for Node).
    tsConfig: { exclude: ['../server', '../test', '../bench', '../scripts', '../infra', '../.output'] },
  },
  devtools: { enabled: false },
  telemetry: false,
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
  nitro: {
    experimental: { websocket: true },
    // dynalite (and its native LevelDB) is loaded only by the embedded development database.
    externals: { external: ['dynalite', 'level', 'classic-level', 'abstract-level'] },
  },
  vite: {
    optimizeDeps: { include: ['socket.io-client', 'bootstrap/js/dist/offcanvas', 'bootstrap/js/dist/modal'] },
  },
})
