import { readValidatedBody } from 'h3'
import { colorModeSchema } from '#shared/schemas/people'
import { defineApiHandler } from '../../utils/api-handler.ts'
import { setColorMode } from '../../domain/people/preferences.ts'
import { setColorModeCookie } from '../../utils/color-mode-cookie.ts'
import { requireSessionUser } from '../../utils/session-cookie.ts'
import { validator } from '../../utils/validation.ts'

/** Keeps the caller's colour mode with their account (accounts only), and in this browser's cookie. */
export default defineApiHandler(async (event) => {
  const user = await requireSessionUser(event)
  const { mode } = await readValidatedBody(event, validator(colorModeSchema))
  setColorModeCookie(event, await setColorMode(user, mode))
  return { mode }
})
