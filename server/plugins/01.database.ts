import { defineNitroPlugin } from 'nitropack/runtime'
import { getServerConfig } from '../core/config.ts'
import { closeDatabase, getDatabase } from '../storage/database.ts'
import { DataFolderLockedError } from '../storage/embedded-dynamodb.ts'
import { log } from '../core/logger.ts'
import { ensureDefaultRooms } from '../domain/rooms/rooms.ts'

/** Connects (or starts the embedded database) at boot and makes sure the default rooms exist. */
export default defineNitroPlugin((nitro) => {
  const config = getServerConfig()
  getDatabase()
    .then(async (db) => {
      await ensureDefaultRooms(config.defaultRooms)
      log.info('database.ready', { location: db.location, tables: db.tables })
    })
    .catch((error: unknown) => {
      if (error instanceof DataFolderLockedError) {
        process.stderr.write(`Fargate Chat cannot start. ${error.message}\n`)
        process.exit(1)
      }
      // Not fatal: /api/ready reports it and the next request retries.
      log.error('database.unavailable', { error })
    })
  nitro.hooks.hook('close', closeDatabase)
})
