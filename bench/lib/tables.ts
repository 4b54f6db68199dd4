// The app's default table names (what `npm run db` creates), for benchmarks that write to the
// database in-process. Read from the app's own configuration; the session password is given only so
// that reading the defaults writes no development secret.
import { randomBytes } from 'node:crypto'
import { loadConfig } from '../../server/core/config.ts'

export const APP_TABLES = loadConfig({ NUXT_SESSION_PASSWORD: randomBytes(32).toString('hex') }).tables
