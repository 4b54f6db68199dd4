import { defineNitroPlugin } from 'nitropack/runtime'
import { ConfigError, getServerConfig } from '../core/config.ts'

/** Refuse to start with a broken configuration, naming every missing or invalid variable. */
export default defineNitroPlugin(() => {
  try {
    getServerConfig()
  }
  catch (error) {
    if (!(error instanceof ConfigError)) throw error
    process.stderr.write(`Fargate Chat cannot start. ${error.message}\nSee .env.example for every variable.\n`)
    process.exit(1)
  }
})
