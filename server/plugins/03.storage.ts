import { defineNitroPlugin } from 'nitropack/runtime'
import { getServerConfig } from '../core/config.ts'
import { log } from '../core/logger.ts'
import { closeObjectStorage, getObjectStorage } from '../storage/object-storage.ts'
import { thumbnailsDone } from '../domain/files/thumbnails.ts'
import { sweepAbandonedUploads } from '../domain/files/uploads.ts'

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
    const global = rules['/**']
    const csp = global?.headers ? global.headers.contentSecurityPolicy : undefined
    if (!global?.headers || !csp) return
    // The options come from the frozen runtime config: replace them rather than change them.
    const allow = (sources: string[] | string | false | undefined) => (Array.isArray(sources) ? [...new Set([...sources, storage.origin])] : sources)
    rules['/**'] = {
      ...global,
      headers: { ...global.headers, contentSecurityPolicy: { ...csp, 'img-src': allow(csp['img-src']), 'connect-src': allow(csp['connect-src']) } },
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
