import { setCookie, type H3Event } from 'h3'
import { COLOR_MODE_COOKIE, type ColorMode } from '#shared/utils/color-mode'

const ONE_YEAR_S = 60 * 60 * 24 * 365

/**
 * The cookie pages are rendered in (composables/useColorMode.ts reads it, in the browser too, so
 * it is not httpOnly: it holds no secret).
 */
export function setColorModeCookie(event: H3Event, mode: ColorMode): void {
  setCookie(event, COLOR_MODE_COOKIE, mode, { maxAge: ONE_YEAR_S, sameSite: 'lax', path: '/' })
}
