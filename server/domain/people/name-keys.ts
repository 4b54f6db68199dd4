import unhomoglyph from 'unhomoglyph'

/**
 * When two names would read as the same to a person: the key both fold to. Display names and
 * usernames share one space of keys (server/domain/people/names.ts claims them), so nobody can
 * take a name that reads as another person's display name or username.
 *
 * The fold: NFKC (width and compatibility forms: "Ｖ" is "V"), invisible characters dropped, then
 * Unicode TR39's skeleton (NFD, the confusables mapping from `unhomoglyph`, NFD: Cyrillic "о" is
 * "o", "rn" is "m"), lower case, accents off and runs of white space as one. The skeleton is made
 * before lower-casing, since the capital "I" looks like "l" and the small one does not; names are
 * also equal whatever their case, so "i" and "l" fold together too.
 */
export function nameKey(name: string): string {
  const visible = name.normalize('NFKC').replace(/[\p{Default_Ignorable_Code_Point}\p{Cf}]/gu, '')
  const skeleton = unhomoglyph(visible.normalize('NFD')).normalize('NFD').toLowerCase()
  return unhomoglyph(skeleton).normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/i/g, 'l')
    .replace(/\s+/gu, ' ')
    .trim()
}

const DIGITS = [...new Set([...'0123456789'].map(nameKey))].join('')
/** Guests are shown as "Guest 4821", and their usernames are `anonymous_…`: nobody else may look like one. */
const GUEST_NAME = new RegExp(`^${nameKey('Guest')} ?[${DIGITS}]+$`)
const GUEST_USERNAME = nameKey('anonymous_')

/** A name kept for guests ("Guest 4821" in any disguise, or `anonymous_…`). */
export function isGuestLike(name: string): boolean {
  const key = nameKey(name)
  return GUEST_NAME.test(key) || key.startsWith(GUEST_USERNAME)
}
