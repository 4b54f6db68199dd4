import { describe, expect, it } from 'vitest'
import { safeRedirect } from '#shared/utils/redirect'

describe('the page to return to after signing in', () => {
  it.each(['/rooms/general', '/rooms/ecs?m=1', '/'])('keeps the same-site path %s', (path) => {
    expect(safeRedirect(path)).toBe(path)
  })

  it.each(['//evil.com', '/\\evil.com', '/\t/evil.com', '/\r\nevil', 'https://evil.com', 'evil.com', '', undefined, ['/a']])('replaces %j with /', (target) => {
    expect(safeRedirect(target)).toBe('/')
  })

  // Nuxt's router (ufo) reads slashes with white space between them as another host, and refused
  // the navigation with a 500; browsers skip some invisible characters too.
  it.each(['/ //evil.com', '/\u3000//evil.com', '/\u00A0//evil.com', '/\u200B//evil.com', '/\u2028/evil.com', '/rooms/a b'])('replaces %j (white space or invisible characters) with /', (target) => {
    expect(safeRedirect(target)).toBe('/')
  })
})
