import { describe, expect, it } from 'vitest'
import { loginSchema, registerSchema } from '#shared/schemas/auth'
import { messageQuerySchema, newMessageSchema } from '#shared/schemas/messages'
import { roomIdFromName, roomIdSchema, updateRoomSchema } from '#shared/schemas/rooms'
import { messagePreview, previewText } from '#shared/utils/preview'
import { fromWire, toWire } from '#shared/utils/wire'
import { renderMarkdown } from '../../server/domain/text/markdown.ts'

describe('shared schemas', () => {
  it('lower-cases usernames but never passwords', () => {
    expect(registerSchema.parse({ username: ' Alice ', password: 'MiXeD-Case' })).toEqual({ username: 'alice', password: 'MiXeD-Case' })
    expect(loginSchema.parse({ username: 'BOB', password: ' Spaces ' })).toEqual({ username: 'bob', password: ' Spaces ' })
  })

  it('takes an empty or a valid e-mail address at sign-up, and keeps anonymous_ names for guests', () => {
    expect(registerSchema.parse({ username: 'alice', password: 'long-enough', email: '' }).email).toBe('')
    expect(registerSchema.safeParse({ username: 'alice', password: 'long-enough', email: 'alice@' }).error?.issues[0]?.message).toBe('Email address is not valid')
    expect(registerSchema.safeParse({ username: 'Anonymous_Bob', password: 'long-enough' }).error?.issues[0]?.message).toBe('Names starting with anonymous_ are kept for guests')
  })

  it('answers in English where a schema has no sentence of its own', () => {
    expect(loginSchema.safeParse({ username: 'bob', password: 'x', admin: true }).error?.issues[0]?.message).toBe('Unrecognized key: "admin"')
    expect(loginSchema.safeParse({ username: 'bob', password: 1 }).error?.issues[0]?.message).toBe('Invalid input: expected string, received number')
  })

  it('changes a room only when given something to change', () => {
    expect(updateRoomSchema.parse({ topic: '  new topic ' })).toEqual({ topic: 'new topic' })
    expect(updateRoomSchema.safeParse({}).error?.issues[0]?.message).toBe('Give a name, topic or archived')
  })

  it('trims message text and bounds it to 1–2,000 characters', () => {
    expect(newMessageSchema.parse({ room: 'general', message: '  hi  ' }).message).toBe('hi')
    expect(newMessageSchema.safeParse({ room: 'general', message: '   ' }).success).toBe(false)
    expect(newMessageSchema.safeParse({ room: 'general', message: 'x'.repeat(2001) }).success).toBe(false)
    expect(newMessageSchema.safeParse({ room: 'general', message: 'x'.repeat(2000) }).success).toBe(true)
  })

  it('accepts only well-formed cursors and limits', () => {
    expect(messageQuerySchema.parse({})).toEqual({ limit: 50 })
    expect(messageQuerySchema.parse({ before: '1700000000000:0123456789abcdef', limit: '10' })).toEqual({ before: '1700000000000:0123456789abcdef', limit: 10 })
    expect(messageQuerySchema.safeParse({ before: '{"room":{"S":"x"}}' }).success).toBe(false)
  })

  it('derives room ids from names', () => {
    expect(roomIdFromName('Fargate Tips & Tricks!')).toBe('fargate-tips-tricks')
    expect(roomIdFromName('!!!')).toBe('')
    expect(roomIdSchema.safeParse('UPPER').success).toBe(false)
  })

  it('makes one-line sidebar previews of at most 80 characters', () => {
    expect(messagePreview({ username: 'ann', content: { text: 'two\nlines' } })).toBe('ann: two lines')
    expect(messagePreview({ username: 'anonymous_2ef60f94460bb', content: { text: 'hi' } })).toMatch(/^Guest \d{4}: hi$/)
    const text = '**Shipped** it :tada:\n```sh\nmake ship\n```'
    expect(messagePreview({ username: 'ann', content: { text }, html: renderMarkdown(text) })).toBe('ann: Shipped it 🎉 make ship')
    const long = previewText('x'.repeat(200))
    expect(long).toHaveLength(80)
    expect(long.endsWith('…')).toBe(true)
  })
})

describe('room ids', () => {
  it.each(['#signed-in', '#user:alice', 'user:alice', '-', '--', '-a', 'a-', 'A', 'a b', 'x'.repeat(49)])('can never be %j (internal Socket.io room names start with #)', (id) => {
    expect(roomIdSchema.safeParse(id).success).toBe(false)
  })
})

describe('messages on the socket', () => {
  it('carry their id as the original protocol\'s `message` field, and come back the same', () => {
    const stored = { id: '1700000000000:0123456789abcdef', room: 'general', username: 'ann', avatar: '/a.svg', time: 1_700_000_000_000, content: { text: 'hi' }, clientId: 'client-1234' }
    expect(toWire(stored)).toEqual({ message: '1700000000000:0123456789abcdef', room: 'general', username: 'ann', avatar: '/a.svg', time: 1_700_000_000_000, content: { text: 'hi' }, clientId: 'client-1234' })
    expect(fromWire(toWire(stored))).toEqual(stored)
  })
})
