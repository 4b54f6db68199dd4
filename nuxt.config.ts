export default defineNuxtConfig({
  modules: ['@pinia/nuxt', '@nuxt/eslint', 'nuxt-security'],
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
  // Top-level pages/, components/, stores/ as the design asks: srcDir is the root.
  srcDir: '.',
  compatibilityDate: '2026-11-01',
  nitro: {
    experimental: { websocket: true },
    // .br and .gz beside every public file over 1 KB, served by Accept-Encoding; pages and JSON are
    // compressed per request by server/plugins/compression.ts.
    compressPublicAssets: { gzip: true, brotli: true },
    // dynalite (and its native LevelDB) and s3rver are loaded only by the embedded development database and bucket.
    externals: { external: ['dynalite', 'level', 'classic-level', 'abstract-level', 's3rver'] },
  },
  vite: {
    // Pre-bundled at dev start, so the first page load is not reloaded when Vite discovers them.
    optimizeDeps: { include: ['socket.io-client', '@vueuse/core', 'zod/mini'] },
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
  // Security headers, and a Content-Security-Policy with a fresh nonce per server-rendered page
  // (Nuxt's own scripts carry it; nothing else inline runs). The module's rate limiter, request
  // size limiter, CORS handler and XSS validator stay off: the app has its own limits and origin
  // checks (server/services/limits.ts, server/middleware/api-guard.ts), and theirs would also apply
  // to Socket.io's polling requests. HSTS is sent only over HTTPS (server/middleware/hsts.ts).
  security: {
    headers: {
      contentSecurityPolicy: {
        'default-src': ['\'self\''],
        'base-uri': ['\'none\''],
        'object-src': ['\'none\''],
        'frame-ancestors': ['\'none\''],
        'form-action': ['\'self\''],
        'script-src': ['\'self\'', '\'strict-dynamic\'', '\'nonce-{{nonce}}\''],
        'script-src-attr': ['\'none\''],
        // Inline style attributes (layout tweaks in templates) cannot run code; no nonce here, since a
        // nonce would make browsers ignore 'unsafe-inline'.
        'style-src': ['\'self\'', '\'unsafe-inline\''],
        // Bootstrap's icons are data: URLs; opted-in avatars come from Gravatar.
        'img-src': ['\'self\'', 'data:', 'https://www.gravatar.com'],
        'font-src': ['\'self\''],
        // Same origin covers the Socket.io websocket (ws: and wss: of this host).
        'connect-src': ['\'self\''],
        // Deployments without a certificate serve plain HTTP: upgrading would break them.
        'upgrade-insecure-requests': false,
      },
      xFrameOptions: 'DENY',
      referrerPolicy: 'strict-origin-when-cross-origin',
      strictTransportSecurity: false,
    },
    nonce: true,
    hidePoweredBy: true,
    rateLimiter: false,
    requestSizeLimiter: false,
    corsHandler: false,
    xssValidator: false,
    allowedMethodsRestricter: false,
    // Keep console output in the browser bundle: errors there are how problems get reported.
    removeLoggers: false,
  },
})
