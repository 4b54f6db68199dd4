import { defineNitroPlugin } from 'nitropack/runtime'
import { drainMessageWrites } from '../domain/messages/messages.ts'
import { startSearchRecovery, stopSearchIndexer } from '../domain/search/indexing.ts'

/**
 * The search indexer (domain/search/indexer.ts): from boot on, this server looks for servers that
 * stopped with messages stored but not yet indexed, and finishes their work. On shutdown it indexes
 * what it still holds, before the database closes (this plugin's close hook runs before
 * 01.database.ts's); whatever is left then is another server's to recover.
 */
export default defineNitroPlugin((nitro) => {
  startSearchRecovery()
  nitro.hooks.hook('close', async () => {
    await drainMessageWrites()
    await stopSearchIndexer()
  })
})
