import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * The embedded S3-compatible server (s3rver) used when no S3 endpoint is configured outside
 * production, and by `npm run db`: the role dynalite plays for DynamoDB. Never loaded in production.
 */
export interface EmbeddedS3 {
  endpoint: string
  close: () => Promise<void>
}

// Browsers upload straight to the bucket and read images from it: any origin locally (every
// request still needs a presigned URL); in AWS the bucket's CORS rule names the app's origin.
const CORS = `<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <CORSRule>
    <AllowedOrigin>*</AllowedOrigin>
    <AllowedMethod>GET</AllowedMethod>
    <AllowedMethod>HEAD</AllowedMethod>
    <AllowedMethod>POST</AllowedMethod>
    <AllowedHeader>*</AllowedHeader>
    <MaxAgeSeconds>3000</MaxAgeSeconds>
  </CORSRule>
</CORSConfiguration>`

interface S3rverInstance {
  run: () => Promise<{ address: string, port: number }>
  close: () => Promise<void>
}

const require = createRequire(import.meta.url)

/** Starts s3rver on loopback with `bucket` created (and its CORS rule); `directory` keeps files on disk, omit it for a temporary folder. */
export async function startEmbeddedS3(options: { bucket: string, directory?: string, port?: number, host?: string }): Promise<EmbeddedS3> {
  const temporary = options.directory ? undefined : mkdtempSync(join(tmpdir(), 'fargate-chat-s3-'))
  const directory = options.directory ?? temporary!
  mkdirSync(directory, { recursive: true })
  const S3rver = require('s3rver') as new (options: Record<string, unknown>) => S3rverInstance
  const host = options.host ?? '127.0.0.1'
  const server = new S3rver({
    port: options.port ?? 0,
    address: host,
    silent: true,
    directory,
    configureBuckets: [{ name: options.bucket, configs: [CORS] }],
  })
  const { port } = await server.run()
  return {
    endpoint: `http://${host}:${port}`,
    async close() {
      await server.close()
      if (temporary) rmSync(temporary, { recursive: true, force: true })
    },
  }
}
