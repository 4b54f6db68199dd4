import { beforeEach, describe, expect, it, vi } from 'vitest'
import { mockNuxtImport, registerEndpoint } from '@nuxt/test-utils/runtime'
import { createPinia, setActivePinia } from 'pinia'
import type { Attachment, ChatMessage } from '#shared/types/chat'
import { formatFileSize } from '#shared/utils/file-size'
import { message } from './fake-chat-socket'

const { chat } = await vi.hoisted(async () => {
  const { createFakeChatSocket } = await import('./fake-chat-socket')
  return { chat: { current: createFakeChatSocket() } }
})
mockNuxtImport('useChatSocket', () => () => chat.current)

const photo: Attachment = { id: 'a'.repeat(32), name: 'photo.jpg', size: 1000, type: 'image/jpeg', width: 600, height: 800 }
let stored: ChatMessage[] = []
registerEndpoint('/api/rooms/general/messages', () => ({ messages: [...stored].reverse(), next: null }))

beforeEach(() => {
  setActivePinia(createPinia())
  useSessionStore().user = { username: 'ann', avatar: '/a/ann.svg', guest: false }
  stored = [message('general', 'bob', 'Before'), { ...message('general', 'bob', ''), attachments: [photo] }]
})

describe('attachments in the messages store', () => {
  it('swaps in the thumbnail when its attachment is ready, and ignores messages it does not hold', async () => {
    const messages = useMessagesStore()
    await messages.loadLatest('general')
    const id = stored[1]!.id
    messages.attachmentReady({ room: 'general', message: id, attachment: { ...photo, thumbnail: true } })
    expect(messages.messagesOf('general').find(m => m.id === id)!.attachments).toEqual([{ ...photo, thumbnail: true }])
    messages.attachmentReady({ room: 'lambda', message: id, attachment: photo })
    messages.attachmentReady({ room: 'general', message: '0000000000000:0000000000000000', attachment: photo })
    expect(messages.messagesOf('general').find(m => m.id === id)!.attachments).toEqual([{ ...photo, thumbnail: true }])
  })

  it('sends the upload ids with the text', async () => {
    const messages = useMessagesStore()
    await messages.loadLatest('general')
    const send = vi.spyOn(chat.current, 'sendMessage')
    await useOutboxStore().send('general', '', { attachments: ['b'.repeat(32)] })
    expect(send).toHaveBeenCalledWith('general', '', expect.any(String), expect.objectContaining({ attachments: ['b'.repeat(32)] }))
  })
})

describe('sizes shown for files', () => {
  it('keeps an image\'s proportions within 320 × 240, never enlarging it', () => {
    expect(thumbnailBox(600, 800)).toEqual({ width: 180, height: 240 })
    expect(thumbnailBox(640, 400)).toEqual({ width: 320, height: 200 })
    expect(thumbnailBox(100, 50)).toEqual({ width: 100, height: 50 })
  })

  it('states sizes in the unit of the upload limit (MAX_UPLOAD_MB: 1 MB is 1,024 × 1,024 bytes), never rounding a file down to the limit', () => {
    expect([formatFileSize(142), formatFileSize(1234), formatFileSize(10 * 1024 * 1024)]).toEqual(['142 B', '1.3 KB', '10 MB'])
    // A "12 MB" file was listed as 12 MB and refused as 11.4 MB: one unit now, as the refusal states it.
    expect(formatFileSize(12_000_000)).toBe('11.5 MB')
    expect(formatFileSize(1024 * 1024 + 1)).toBe('1.1 MB')
  })
})
