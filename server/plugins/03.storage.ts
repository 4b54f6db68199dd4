import { defineNitroPlugin } from 'nitropack/runtime'
import { getServerConfig } from '../utils/config.ts'
import { log } from '../utils/logger.ts'
import { closeObjectStorage, getObjectStorage } from '../utils/object-storage.ts'
import { thumbnailsDone } from '../utils/thumbnails.ts'
import { sweepAbandonedUploads } from '../utils/uploads.ts'

const SWEEP_EVERY_MS = 60 * 60 * 1000

/**
 * The upload bucket: its origin joins the pages' CSP (browsers upload to it and load images from
 * it; the embedded server's port is known only once it runs), and outside production abandoned
 * uploads are swept hourly (in AWS the bucket's lifecycle rule deletes them).
 */
export default defineNitroPlugin((nitro) => {
  const config = getServerConfig()
  nitro.hooks.hook('nuxt-security:routeRules', async (rules) => {
    const storage = await getObjectStorage()
    log.info('storage.ready', { location: storage.location, bucket: storage.bucket })
    const headers = rules['/**']?.headers
    const csp = headers ? headers.contentSecurityPolicy : undefined
    if (!csp) return
    for (const directive of ['img-src', 'connect-src'] as const) {
      const sources = csp[directive]
      if (Array.isArray(sources) && !sources.includes(storage.origin)) sources.push(storage.origin)
    }
  })

  if (!config.production) {
    const sweep = () => sweepAbandonedUploads()
      .then(deleted => deleted && log.info('uploads.swept', { deleted }))
      .catch((error: unknown) => log.warn('uploads.sweep_failed', { error }))
    const timer = setInterval(sweep, SWEEP_EVERY_MS)
    timer.unref()
    nitro.hooks.hook('close', () => clearInterval(timer))
  }
  nitro.hooks.hook('close', async () => {
    await thumbnailsDone()
    await closeObjectStorage()
  })
})
