import { COLOR_MODE_COOKIE, COLOR_MODES, type ColorMode } from '#shared/utils/color-mode'

const ONE_YEAR_S = 60 * 60 * 24 * 365

/**
 * The reader's colour mode, from a cookie the server reads too: the page is rendered in it
 * (`data-bs-theme` on <html>, plugins/color-mode.ts), so there is no flash of the other mode and
 * nothing to reconcile while hydrating. "System" renders `auto`, which the stylesheet resolves with
 * prefers-color-scheme (assets/css/bootstrap.scss), so no script has to look at the system first.
 */
export function useColorMode() {
  const cookie = useCookie<string | null>(COLOR_MODE_COOKIE, { maxAge: ONE_YEAR_S, sameSite: 'lax', path: '/' })
  const mode = computed<ColorMode>(() => COLOR_MODES.find(m => m === cookie.value) ?? 'system')
  /** What `data-bs-theme` says. */
  const theme = computed(() => (mode.value === 'system' ? 'auto' : mode.value))

  function choose(next: ColorMode) {
    cookie.value = next
  }

  return { mode, theme, choose }
}
