/**
 * Where to go after signing in: a path on this site, else '/'. Browsers read `/\evil.com` and
 * `/<tab>/evil.com` as `//evil.com` (another site), so backslashes and control characters are
 * refused along with `//`.
 */
export function safeRedirect(target: unknown): string {
  if (typeof target !== 'string' || !target.startsWith('/') || target.startsWith('//')) return '/'
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  return /[\\\u0000-\u001F\u007F]/.test(target) ? '/' : target
}
