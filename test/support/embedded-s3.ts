import { afterAll, beforeAll } from 'vitest'
import { startEmbeddedS3, type EmbeddedS3 } from '../../server/storage/embedded-s3.ts'
import { createObjectStorage, setObjectStorage } from '../../server/storage/object-storage.ts'

const UNIT_BUCKET = 'fargate-chat-uploads'

/** Points the storage modules at a fresh s3rver (temporary folder) for the tests of one file. */
export function useEmbeddedS3(): void {
  let embedded: EmbeddedS3
  beforeAll(async () => {
    embedded = await startEmbeddedS3({ bucket: UNIT_BUCKET })
    setObjectStorage(createObjectStorage({ region: 'us-east-1', bucket: UNIT_BUCKET, endpoint: embedded.endpoint }))
  })
  afterAll(async () => {
    setObjectStorage(undefined)
    await embedded?.close()
  })
}
