import { describe, expect, it } from 'vitest'
import { renderMarkdown } from '#shared/utils/markdown'
import { RENDER_CASES } from '../../support/markdown-cases'

// The same cases as test/unit/markdown.test.ts (the server side), here in the browser build's
// environment: identical HTML on both sides is what lets server-rendered messages hydrate.
describe('the Markdown renderer in the browser', () => {
  it.each(RENDER_CASES)('renders $name exactly as the server does', ({ text, me, html }) => {
    expect(renderMarkdown(text, { me })).toBe(html)
  })
})
