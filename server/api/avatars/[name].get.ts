import { defineEventHandler, setHeader } from 'h3'
import { z } from 'zod'
import { avatarSvg } from '../../utils/avatars.ts'
import { parseParams } from '../../utils/validation.ts'

const paramsSchema = z.strictObject({ name: z.string().regex(/^[a-z0-9_-]{1,48}\.svg$/, 'Avatar name must be <name>.svg') })

export default defineEventHandler((event) => {
  const { name } = parseParams(event, paramsSchema)
  setHeader(event, 'Content-Type', 'image/svg+xml; charset=utf-8')
  setHeader(event, 'Cache-Control', 'public, max-age=86400, immutable')
  setHeader(event, 'Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'")
  return avatarSvg(name.slice(0, -4))
})
