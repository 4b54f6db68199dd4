// `npm run db -- --port 8000 [--s3-port 4568] [--path .data/dynamodb | --memory]`: the embedded
// DynamoDB-compatible server as its own process, with the app's tables created, and the embedded
// S3-compatible server with the upload bucket (files under DATA_DIR/uploads, or a temporary folder
// with --memory), for several app instances to share (DYNAMODB_ENDPOINT and S3_ENDPOINT).
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { loadConfig } from '../server/core/config.ts'
import { ensureTables, startEmbeddedDynamo } from '../server/storage/embedded-dynamodb.ts'
import { startEmbeddedS3 } from '../server/storage/embedded-s3.ts'

const { values } = parseArgs({
  options: {
    'port': { type: 'string', default: '8000' },
    's3-port': { type: 'string', default: '4568' },
    'host': { type: 'string', default: '127.0.0.1' },
    'path': { type: 'string' },
    'memory': { type: 'boolean', default: false },
  },
})

const config = loadConfig({ ...process.env, NODE_ENV: 'development' })
const path = values.memory ? undefined : resolve(values.path ?? resolve(config.dataDir, 'dynamodb'))
try {
  const db = await startEmbeddedDynamo({ port: Number(values.port), host: values.host, path })
  const client = new DynamoDBClient({ region: config.awsRegion, endpoint: db.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } })
  await ensureTables(client, config.tables)
  client.destroy()
  const s3 = await startEmbeddedS3({ bucket: config.uploads.bucket, port: Number(values['s3-port']), host: values.host, directory: values.memory ? undefined : resolve(config.dataDir, 'uploads') })
  // One JSON line on stdout tells scripts and tests where it listens.
  process.stdout.write(`${JSON.stringify({ endpoint: db.endpoint, path: path ?? 'memory', tables: config.tables, s3Endpoint: s3.endpoint, bucket: config.uploads.bucket })}\n`)
  const stop = () => Promise.all([db.close(), s3.close()]).then(() => process.exit(0))
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}
catch (error) {
  process.stderr.write(`${(error as Error).message}\n`)
  process.exit(1)
}
