// @ts-check
import withNuxt from './.nuxt/eslint.config.mjs'

// Nuxt's project-aware flat config (nuxt.config.ts `eslint`), with the house style: attributes of
// an element may share a line, and so may short statements.
export default withNuxt({
  ignores: ['.output/**', '.data/**', 'test-results/**', 'playwright-report/**'],
}, {
  rules: {
    'vue/max-attributes-per-line': 'off',
    '@stylistic/max-statements-per-line': 'off',
  },
})
