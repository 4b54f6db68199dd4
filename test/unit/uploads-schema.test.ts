import { describe, expect, it } from 'vitest'
import { socketPayloadSchemas } from '#shared/schemas/socket'
import { uploadRequestSchema } from '#shared/schemas/uploads'

const id = (n: number) => n.toString(16).padStart(32, '0')
const newMessage = socketPayloadSchemas['new message']

describe('the new message payload with files', () => {
  it('takes up to ten upload ids, and an empty caption only when there are files', () => {
    expect(newMessage.parse({ room: 'general', message: '  ', attachments: [id(1)] })).toEqual({ room: 'general', message: '', attachments: [id(1)] })
    expect(newMessage.parse({ room: 'general', message: ' Look ', attachments: [id(1)] })).toEqual({ room: 'general', message: 'Look', attachments: [id(1)] })
    expect(newMessage.safeParse({ room: 'general', message: '', attachments: [] }).error?.issues[0]?.message).toBe('Message must not be empty')
    expect(newMessage.safeParse({ room: 'general', message: 'x', attachments: Array.from({ length: 11 }, (_, i) => id(i)) }).error?.issues[0]?.message).toBe('At most 10 files per message')
    expect(newMessage.safeParse({ room: 'general', message: 'x', attachments: ['../../etc'] }).error?.issues[0]?.message).toBe('An attachment is an upload id (32 hex digits)')
  })

  it('keeps the original protocol\'s answers for messages without files', () => {
    expect(newMessage.parse({ room: 'general', message: ' hi ' })).toEqual({ room: 'general', message: 'hi' })
    expect(newMessage.safeParse({ room: 'general' }).error?.issues[0]?.message).toBe('Must pass a parameter `message` which is a string')
    expect(newMessage.safeParse({ room: 'general', message: 'x'.repeat(2001) }).error?.issues[0]?.message).toBe('Message must be at most 2000 characters')
  })
})

describe('the upload request', () => {
  it('normalises the name and lower-cases the type; an unknown type is a generic binary', () => {
    expect(uploadRequestSchema.parse({ name: ' Cafe\u0301.PNG ', size: 10, type: 'Image/PNG' })).toEqual({ name: 'Café.PNG', size: 10, type: 'image/png' })
    expect(uploadRequestSchema.parse({ name: 'a', size: 1, type: '' }).type).toBe('application/octet-stream')
  })

  it('refuses names that are paths or hide characters, empty files and made-up types', () => {
    for (const [input, message] of [
      [{ name: 'a/b', size: 1, type: 'text/plain' }, /slashes/],
      [{ name: 'a\u202Eb', size: 1, type: 'text/plain' }, /invisible/],
      [{ name: 'a', size: 0, type: 'text/plain' }, /empty/],
      [{ name: 'a', size: 1.5, type: 'text/plain' }, /whole number/],
      [{ name: 'a', size: 1, type: 'text' }, /media type/],
      [{ name: 'a', size: 1, type: 'text/plain', extra: 1 }, /Unrecognized/i],
    ] as const) expect(uploadRequestSchema.safeParse(input).error?.issues[0]?.message).toMatch(message)
  })
})
