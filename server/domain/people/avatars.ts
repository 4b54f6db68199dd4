import { createHash } from 'node:crypto'

/** The avatar URL stored with a user and on each of their messages. */
export function avatarUrl(name: string, email?: string, gravatar = false): string {
  if (email && gravatar) {
    const hash = createHash('sha256').update(email.trim().toLowerCase()).digest('hex')
    return `https://www.gravatar.com/avatar/${hash}?s=96&d=identicon`
  }
  return `/api/avatars/${encodeURIComponent(name)}.svg`
}

// Colours with at least 4.5:1 contrast against white text.
const PALETTE = ['#1d4ed8', '#b91c1c', '#047857', '#7c3aed', '#b45309', '#0e7490', '#be185d', '#4d7c0f', '#6d28d9', '#c2410c']

function initials(name: string): string {
  const parts = name.replace(/^anonymous_/, '').split(/[-_]+/).filter(Boolean)
  const letters = parts.length > 1 ? parts[0]![0]! + parts[1]![0]! : (parts[0] ?? name).slice(0, 2)
  return letters.toUpperCase()
}

/** An SVG avatar with initials on a colour derived from the name: no outside network needed. */
export function avatarSvg(name: string): string {
  const digest = createHash('sha256').update(name).digest()
  const colour = PALETTE[digest[0]! % PALETTE.length]
  const text = name.startsWith('anonymous_') ? '?' : initials(name)
  // `name` is validated to [a-z0-9_-] before it gets here, so the text needs no escaping.
  return `<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96" viewBox="0 0 96 96" role="img" aria-label="${name}">`
    + `<rect width="96" height="96" rx="48" fill="${colour}"/>`
    + `<text x="48" y="50" dy=".35em" text-anchor="middle" font-family="system-ui,-apple-system,Segoe UI,Roboto,sans-serif" font-size="38" font-weight="600" fill="#fff">${text}</text></svg>`
}
