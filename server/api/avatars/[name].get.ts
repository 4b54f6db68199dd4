import { getValidatedRouterParams, setHeader } from 'h3'
import { z } from '#shared/schemas/zod'
import { avatarSvg } from '../../domain/people/avatars.ts'
import { defineApiHandler } from '../../utils/api-handler.ts'
import { validator } from '../../utils/validation.ts'

const paramsSchema = z.strictObject({ name: z.string().check(z.regex(/^[a-z0-9_-]{1,48}\.svg$/, 'Avatar name must be <name>.svg')) })

export default defineApiHandler(async (event) => {
  const { name } = await getValidatedRouterParams(event, validator(paramsSchema), { decode: true })
  setHeader(event, 'Content-Type', 'image/svg+xml; charset=utf-8')
  setHeader(event, 'Cache-Control', 'public, max-age=86400, immutable')
  setHeader(event, 'Content-Security-Policy', 'default-src \'none\'; style-src \'unsafe-inline\'')
  return avatarSvg(name.slice(0, -4))
})
