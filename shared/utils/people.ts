// How people are named in the UI, and how `@name` mentions are found in text: shared by the
// server (which computes a message's mentions) and the browser (which highlights them).

const GUEST = /^anonymous_([0-9a-f]{4,})$/

/** "Guest 4821" for `anonymous_…` (derived from the id, so it is the same everywhere), else null. */
export function guestName(username: string): string | null {
  const hex = GUEST.exec(username)?.[1]
  if (!hex) return null
  return `Guest ${1000 + (Number.parseInt(hex.slice(0, 8), 16) % 9000)}`
}

/** What to call someone: their display name, a guest's readable name, or their username. */
export function displayNameOf(username: string, displayName?: string | null): string {
  return displayName || guestName(username) || username
}

/** `@name` where name is a username (letters, digits, _ and -), not inside a word or an e-mail address. */
const MENTION = /(?<![\w@.-])@([a-z0-9_-]{3,32})(?![\w-])/gi

/** Everyone the text mentions, lower case, once each; `room` stands for the whole room. */
export function mentionedNames(text: string): string[] {
  return [...new Set([...text.matchAll(MENTION)].map(match => match[1]!.toLowerCase()))]
}

/** Folds a name for searching: lower case, accents off ("Zoë" → "zoe"). */
export function foldName(name: string): string {
  return name.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().trim()
}

/** The status if it has not ended at `now` (ms), else undefined: an ended status is never shown. */
export function liveStatus<S extends { expiresAt: number | null }>(status: S | null | undefined, now: number): S | undefined {
  return status && (status.expiresAt === null || status.expiresAt > now) ? status : undefined
}
