import { PutObjectCommand } from '@aws-sdk/client-s3'
import { describe, expect, it } from 'vitest'
import type { PublicUser } from '#shared/types/chat'
import { deleteAttachments, fileKey, storeAttachments } from '../../server/domain/files/attachments.ts'
import { contentDisposition } from '../../server/domain/files/file-types.ts'
import { getObjectStorage, headObject } from '../../server/storage/object-storage.ts'
import { sweepAbandonedUploads, uploadKey } from '../../server/domain/files/uploads.ts'
import { useEmbeddedS3 } from '../support/embedded-s3.ts'
import { PDF, png } from '../support/uploads.ts'

useEmbeddedS3()

const ann: PublicUser = { username: 'ann', avatar: '', guest: false }
let counter = 0
const newId = () => (++counter).toString(16).padStart(32, '0')

/** An upload as a browser leaves it: under its upload key, with the name in its metadata. */
async function uploaded(room: string, user: string, bytes: Uint8Array, type: string, name = 'file'): Promise<string> {
  const id = newId()
  const { client, bucket } = await getObjectStorage()
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: uploadKey(room, user, id), Body: bytes, ContentType: type, Metadata: { name: encodeURIComponent(name) } }))
  return id
}

describe('attachments', () => {
  it('moves checked uploads to their file keys, and a retry of the same message finds them there', async () => {
    const id = await uploaded('general', 'ann', await png(400, 300), 'image/png', 'Grüße.png')
    const first = await storeAttachments(ann, 'general', [id], '1700000000000:00000000000000a1')
    expect(first).toEqual([{ id, name: 'Grüße.png', size: expect.any(Number), type: 'image/png', width: 400, height: 300 }])
    expect(await headObject(uploadKey('general', 'ann', id))).toBeNull()
    expect(await headObject(fileKey('general', id, 'original'))).toMatchObject({ contentType: 'image/png', metadata: { uploader: 'ann', message: '1700000000000:00000000000000a1' } })
    expect(await storeAttachments(ann, 'general', [id], '1700000000000:00000000000000a1')).toEqual(first)
  })

  it('refuses a file already sent in another message', async () => {
    const id = await uploaded('general', 'ann', PDF, 'application/pdf')
    await storeAttachments(ann, 'general', [id], '1700000000000:00000000000000b1')
    await expect(storeAttachments(ann, 'general', [id], '1700000000000:00000000000000b2')).rejects.toThrow('That file is already attached to another message')
  })

  it('deletes every file and thumbnail of a deleted message', async () => {
    const [a, b] = [await uploaded('general', 'ann', PDF, 'application/pdf'), await uploaded('general', 'ann', await png(), 'image/png')]
    const attachments = await storeAttachments(ann, 'general', [a, b], '1700000000000:00000000000000c1')
    const { client, bucket } = await getObjectStorage()
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: fileKey('general', b, 'thumbnail'), Body: 'thumb' }))
    await deleteAttachments({ room: 'general', attachments })
    for (const id of [a, b]) {
      expect(await headObject(fileKey('general', id, 'original'))).toBeNull()
      expect(await headObject(fileKey('general', id, 'thumbnail'))).toBeNull()
    }
  })

  it('sweeps uploads older than a day that no message took, and never sent files', async () => {
    const abandoned = await uploaded('fargate', 'ann', PDF, 'application/pdf')
    const sent = await uploaded('fargate', 'ann', PDF, 'application/pdf')
    await storeAttachments(ann, 'fargate', [sent], '1700000000000:00000000000000d1')
    expect(await sweepAbandonedUploads()).toBe(0)
    expect(await sweepAbandonedUploads(Date.now() + 25 * 3600_000)).toBeGreaterThanOrEqual(1)
    expect(await headObject(uploadKey('fargate', 'ann', abandoned))).toBeNull()
    expect(await headObject(fileKey('fargate', sent, 'original'))).not.toBeNull()
  })
})

describe('file names in Content-Disposition', () => {
  it('gives an ASCII fallback and the exact name, with nothing that could end the header value', () => {
    expect(contentDisposition('attachment', 'Grüße "final" 100%.pdf')).toBe('attachment; filename="Gru_e _final_ 100_.pdf"; filename*=UTF-8\'\'Gr%C3%BC%C3%9Fe%20%22final%22%20100%25.pdf')
  })
})
