import { describe, expect, it } from 'vitest'
import type { ChatMessage } from '#shared/types/chat'
import { editMessageSchema, emojiSchema, postMessageSchema, reactionParamsSchema } from '#shared/schemas/messages'
import { socketPayloadSchemas } from '#shared/schemas/socket'
import { messagePreview } from '#shared/utils/preview'
import { editRefusal } from '../../server/domain/messages/edit-rules.ts'
import { quoteOf } from '../../server/domain/messages/replies.ts'

const now = Date.UTC(2026, 10, 28, 12)
const message = (over: Partial<ChatMessage> = {}): ChatMessage => ({ id: `${now - 1000}:0123456789abcdef`, room: 'general', username: 'ann', avatar: '', time: now - 1000, content: { text: 'hi' }, ...over })

describe('who may edit a message', () => {
  it('lets the author edit within the window', () => {
    expect(editRefusal(message(), { username: 'ann' }, now, 24)).toBeNull()
  })

  it('refuses everyone else, a deleted message, a missing one and one past the window, each in words', () => {
    expect(editRefusal(message(), { username: 'bob' }, now, 24)?.message).toBe('You can only edit your own messages')
    expect(editRefusal(message(), { username: 'bob' }, now, 24)?.status).toBe(403)
    expect(editRefusal(message({ deleted: true }), { username: 'ann' }, now, 24)?.status).toBe(409)
    expect(editRefusal(null, { username: 'ann' }, now, 24)?.status).toBe(404)
    expect(editRefusal(message({ time: now - 25 * 3_600_000 }), { username: 'ann' }, now, 24)?.message).toBe('Messages can be edited for 24 hours after sending')
    expect(editRefusal(message({ time: now - 2 * 3_600_000 }), { username: 'ann' }, now, 1)?.message).toBe('Messages can be edited for 1 hours after sending')
  })
})

describe('reply quotes', () => {
  it('keep short text whole on one line', () => {
    expect(quoteOf('  two\nlines  ')).toBe('two lines')
  })

  it('cut long text to 140 characters without splitting an emoji', () => {
    const quote = quoteOf('🎉'.repeat(200))
    expect([...quote]).toHaveLength(140)
    expect(quote.endsWith('🎉…')).toBe(true)
  })
})

describe('reaction emoji', () => {
  it('are brought to one spelling', () => {
    expect(emojiSchema.parse('\u2764')).toBe('❤️')
    expect(emojiSchema.parse('👍\uFE0F')).toBe('👍')
    expect(emojiSchema.parse('🇫🇷')).toBe('🇫🇷')
    expect(emojiSchema.parse('#️⃣')).toBe('#⃣')
  })

  it('refuse words, markup and long runs', () => {
    for (const bad of ['', 'ok', '<b>', ' 👍', '1', '👍'.repeat(20)]) expect(emojiSchema.safeParse(bad).success).toBe(false)
  })

  it('arrive URL-decoded in the reaction route\'s parameters', () => {
    expect(reactionParamsSchema.parse({ room: 'general', id: '1700000000000:0123456789abcdef', emoji: '🎉' }).emoji).toBe('🎉')
  })
})

describe('message payloads', () => {
  it('take a reply id, refuse unknown fields and empty edits', () => {
    expect(postMessageSchema.safeParse({ text: 'hi', replyTo: 'nope' }).success).toBe(false)
    expect(postMessageSchema.safeParse({ text: 'hi', room: 'general' }).success).toBe(false)
    expect(editMessageSchema.safeParse({ text: '  ' }).success).toBe(false)
  })

  it('answer socket events with the original protocol\'s kind of sentence', () => {
    expect(socketPayloadSchemas['react'].safeParse({ room: 'general', message: '1700000000000:0123456789abcdef', emoji: '👍' }).error?.issues[0]?.message).toBe('Must pass a parameter `add` which is true (react) or false (take back)')
    expect(socketPayloadSchemas['edit message'].safeParse({ room: 'general', message: 'x', text: 'hi' }).error?.issues[0]?.message).toBe('Must pass a parameter `message` which is a message id')
  })
})

describe('previews', () => {
  it('show a deleted message as deleted', () => {
    expect(messagePreview({ username: 'ann', content: { text: '' }, deleted: true })).toBe('ann: message deleted')
  })
})
