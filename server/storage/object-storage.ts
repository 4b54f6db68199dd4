import { resolve } from 'node:path'
import type { Readable } from 'node:stream'
import { CopyObjectCommand, DeleteObjectsCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, type ListObjectsV2CommandOutput } from '@aws-sdk/client-s3'
import { createPresignedPost } from '@aws-sdk/s3-presigned-post'
import { getSignedUrl } from '@aws-sdk/s3-request-presigner'
import { getServerConfig, type AppConfig } from '../core/config.ts'
import type { EmbeddedS3 } from './embedded-s3.ts'

/**
 * The one S3 client: Amazon S3 in AWS, any S3-compatible endpoint when S3_ENDPOINT is set, and with
 * no configuration outside production an embedded s3rver with files under DATA_DIR/uploads. The
 * same calls run against all three; domain modules (uploads, attachments, files) use only these.
 */
export interface ObjectStorage {
  client: S3Client
  bucket: string
  /** The origin browsers upload to and read images from (the pages' CSP allows it). */
  origin: string
  /** Where it points, for logs: 'aws', an endpoint URL, or 'embedded <url>'. */
  location: string
  close: () => Promise<void>
}

/**
 * What the client signs with against an S3-compatible endpoint (the embedded s3rver, `npm run db`'s,
 * or another local server): s3rver knows this one key and refuses any other, so the AWS credentials
 * a developer's shell holds (AWS_ACCESS_KEY_ID…) must never be used there. In AWS (no endpoint)
 * the task role's credentials are used.
 */
const ENDPOINT_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }

export function createObjectStorage(options: { region: string, bucket: string, endpoint?: string, location?: string, onClose?: () => Promise<void> }): ObjectStorage {
  const client = new S3Client({
    region: options.region,
    endpoint: options.endpoint,
    // Compatible servers (s3rver) serve buckets by path, not by host name.
    forcePathStyle: Boolean(options.endpoint),
    ...(options.endpoint ? { credentials: ENDPOINT_CREDENTIALS } : {}),
    maxAttempts: 4,
  })
  return {
    client,
    bucket: options.bucket,
    origin: options.endpoint ? new URL(options.endpoint).origin : `https://${options.bucket}.s3.${options.region}.amazonaws.com`,
    location: options.location ?? options.endpoint ?? 'aws',
    async close() {
      client.destroy()
      await options.onClose?.()
    },
  }
}

async function connect(config: AppConfig): Promise<ObjectStorage> {
  const base = { region: config.awsRegion, bucket: config.uploads.bucket }
  if (config.uploads.endpoint || config.production) return createObjectStorage({ ...base, endpoint: config.uploads.endpoint })
  // Zero configuration: an in-process s3rver keeping files under the data folder.
  const { startEmbeddedS3 } = await import('./embedded-s3.ts')
  const embedded: EmbeddedS3 = await startEmbeddedS3({ bucket: config.uploads.bucket, directory: resolve(config.dataDir, 'uploads') })
  return createObjectStorage({ ...base, endpoint: embedded.endpoint, location: `embedded ${embedded.endpoint}`, onClose: embedded.close })
}

let current: Promise<ObjectStorage> | undefined

/** The process's object storage, connected (and for the embedded server, started) on first use. */
export function getObjectStorage(): Promise<ObjectStorage> {
  current ??= connect(getServerConfig())
  current.catch(() => { current = undefined })
  return current
}

/** Points the domain modules at another bucket (tests, scripts). */
export function setObjectStorage(storage: ObjectStorage | undefined): void {
  current = storage ? Promise.resolve(storage) : undefined
}

export async function closeObjectStorage(): Promise<void> {
  const storage = current
  current = undefined
  if (storage) await (await storage).close()
}

// ---------------------------------------------------------------- operations

export interface StoredObject {
  size: number
  contentType: string | undefined
  /** x-amz-meta-* values, keys lower case without the prefix. */
  metadata: Record<string, string>
  lastModified: Date | undefined
}

function isMissing(error: unknown): boolean {
  const name = (error as { name?: string }).name
  return name === 'NotFound' || name === 'NoSuchKey' || (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404
}

/** A browser form upload of exactly one object at `key`: size within [1, maxBytes], the given type and metadata. */
export async function presignUpload(key: string, options: { contentType: string, maxBytes: number, metadata: Record<string, string>, expiresSeconds: number }) {
  const { client, bucket } = await getObjectStorage()
  const meta = Object.fromEntries(Object.entries(options.metadata).map(([name, value]) => [`x-amz-meta-${name}`, value]))
  const fields = { 'Content-Type': options.contentType, ...meta }
  return createPresignedPost(client, {
    Bucket: bucket,
    Key: key,
    Fields: fields,
    // Every field is pinned by the signed policy, so the browser cannot change the key, type or metadata.
    Conditions: [['content-length-range', 1, options.maxBytes], ...Object.entries(fields).map(([name, value]) => ({ [name]: value }))],
    Expires: options.expiresSeconds,
  })
}

/** An object's size, type and metadata, or null when there is none at `key`. */
export async function headObject(key: string): Promise<StoredObject | null> {
  const { client, bucket } = await getObjectStorage()
  try {
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))
    return { size: head.ContentLength ?? 0, contentType: head.ContentType, metadata: head.Metadata ?? {}, lastModified: head.LastModified }
  }
  catch (error) {
    if (isMissing(error)) return null
    throw error
  }
}

/** The first `bytes` bytes of an object (enough to sniff its type and read an image header). */
export async function readStart(key: string, bytes: number): Promise<Buffer> {
  const { client, bucket } = await getObjectStorage()
  const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=0-${bytes - 1}` }))
  return Buffer.from(await object.Body!.transformToByteArray())
}

/** A whole object in memory: only for images within the upload limit (thumbnails). */
export async function readObject(key: string): Promise<Buffer> {
  const { client, bucket } = await getObjectStorage()
  const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }))
  return Buffer.from(await object.Body!.transformToByteArray())
}

/** An object as a stream (downloads the app serves itself), or null when there is none. */
export async function streamObject(key: string): Promise<{ body: Readable, size: number } | null> {
  const { client, bucket } = await getObjectStorage()
  try {
    const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }))
    return { body: object.Body as Readable, size: object.ContentLength ?? 0 }
  }
  catch (error) {
    if (isMissing(error)) return null
    throw error
  }
}

/** Server-side copy with a new type and metadata (the bytes never pass through the app). */
export async function copyObject(from: string, to: string, options: { contentType: string, metadata: Record<string, string> }): Promise<void> {
  const { client, bucket } = await getObjectStorage()
  await client.send(new CopyObjectCommand({
    Bucket: bucket,
    Key: to,
    CopySource: `${bucket}/${from.split('/').map(encodeURIComponent).join('/')}`,
    ContentType: options.contentType,
    Metadata: options.metadata,
    MetadataDirective: 'REPLACE',
  }))
}

export async function putObject(key: string, body: Buffer, contentType: string): Promise<void> {
  const { client, bucket } = await getObjectStorage()
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }))
}

/** Deletes these keys (missing ones are fine), 1,000 per request. */
export async function deleteObjects(keys: string[]): Promise<void> {
  const { client, bucket } = await getObjectStorage()
  for (let i = 0; i < keys.length; i += 1000) {
    const result = await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys.slice(i, i + 1000).map(Key => ({ Key })), Quiet: true } }))
    if (result.Errors?.length) throw new Error(`Could not delete ${result.Errors.length} objects: ${result.Errors[0]!.Message}`)
  }
}

/** A short-lived link to read one object, answered with this type and disposition whatever it was stored with. */
export async function presignDownload(key: string, options: { contentType: string, disposition: string, expiresSeconds: number }): Promise<string> {
  const { client, bucket } = await getObjectStorage()
  return getSignedUrl(client, new GetObjectCommand({ Bucket: bucket, Key: key, ResponseContentType: options.contentType, ResponseContentDisposition: options.disposition }), { expiresIn: options.expiresSeconds })
}

/** Keys under `prefix` last modified before `before`, page by page (the local sweep of abandoned uploads). */
export async function* listOlderThan(prefix: string, before: Date): AsyncGenerator<string[]> {
  const { client, bucket } = await getObjectStorage()
  let ContinuationToken: string | undefined
  do {
    const page: ListObjectsV2CommandOutput = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken }))
    const keys = (page.Contents ?? []).filter(o => o.Key && o.LastModified && o.LastModified < before).map(o => o.Key!)
    if (keys.length) yield keys
    ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined
  } while (ContinuationToken)
}
