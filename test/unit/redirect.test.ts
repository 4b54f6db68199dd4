import { describe, expect, it } from 'vitest'
import { safeRedirect } from '#shared/utils/redirect'

describe('the page to return to after signing in', () => {
  it.each(['/rooms/general', '/rooms/ecs?m=1', '/'])('keeps the same-site path %s', (path) => {
    expect(safeRedirect(path)).toBe(path)
  })

  it.each(['//evil.com', '/\\evil.com', '/\t/evil.com', '/\r\nevil', 'https://evil.com', 'evil.com', '', undefined, ['/a']])('replaces %j with /', (target) => {
    expect(safeRedirect(target)).toBe('/')
  })
})
