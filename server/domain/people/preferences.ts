import type { PublicUser } from '#shared/types/chat'
import { COLOR_MODES, type ColorMode } from '#shared/utils/color-mode'
import { getColorMode, updateColorMode } from '../../storage/users-table.ts'
import { ForbiddenError } from '../../core/errors.ts'

/**
 * What a person chose for how the app looks, kept on their Users item so that every browser they
 * sign in from gets it (the sign-in answer sets the cookie the pages are rendered from). Guests
 * keep theirs in the cookie only.
 */

export async function setColorMode(user: PublicUser, mode: ColorMode): Promise<ColorMode> {
  if (user.guest) throw new ForbiddenError('Guests keep their colour mode in this browser only. Create an account to keep it everywhere.')
  await updateColorMode(user.username, mode)
  return mode
}

/** The account's colour mode, or null when it never chose one (or it is not one the app knows any more). */
export async function colorModeOf(user: PublicUser): Promise<ColorMode | null> {
  if (user.guest) return null
  const stored = await getColorMode(user.username)
  return COLOR_MODES.find(mode => mode === stored) ?? null
}
