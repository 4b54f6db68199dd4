/**
 * Where to go after signing in: a path on this site, else '/'. Browsers read `/\evil.com` and
 * `/<tab>/evil.com` as `//evil.com` (another site), and Nuxt's router reads slashes with any white
 * space between them (`/ //evil.com`) as another host too, refusing to navigate there (a 500):
 * backslashes, white space and control or invisible characters are refused along with `//`.
 */
export function safeRedirect(target: unknown): string {
  if (typeof target !== 'string' || !target.startsWith('/') || target.startsWith('//')) return '/'
  return /[\\\s\p{Cc}\p{Cf}\p{Z}]/u.test(target) ? '/' : target
}
