import { beforeEach, describe, expect, it } from 'vitest'
import { registerEndpoint } from '@nuxt/test-utils/runtime'
import { createPinia, setActivePinia } from 'pinia'
import type { ChatMessage } from '#shared/types/chat'
import { message } from './fake-chat-socket'

let pinned: ChatMessage[] = []
registerEndpoint('/api/rooms/pinboard/pins', () => ({ messages: pinned }))

beforeEach(() => {
  setActivePinia(createPinia())
  const older = { ...message('pinboard', 'bob', 'older pin'), pinned: { by: 'bob', at: 1 } }
  const newer = { ...message('pinboard', 'ann', 'newer pin'), pinned: { by: 'ann', at: 2 } }
  pinned = [newer, older]
})

describe('the pins store', () => {
  it('keeps a room\'s list in step with each message as it is now (pinned, unpinned, deleted, or pinned twice), and leaves rooms it never read alone', async () => {
    const pins = usePinsStore()
    await pins.load('pinboard')
    const [newer, older] = pinned as [ChatMessage, ChatMessage]
    const fresh = { ...message('pinboard', 'bob', 'newest pin'), pinned: { by: 'bob', at: 3 } }
    pins.changed(fresh)
    pins.changed(fresh)
    expect(pins.pinsOf('pinboard')!.map(m => m.content.text)).toEqual(['newest pin', 'newer pin', 'older pin'])
    const { pinned: _, ...unpinned } = newer
    pins.changed(unpinned)
    pins.changed({ ...older, deleted: true })
    expect(pins.pinsOf('pinboard')!.map(m => m.content.text)).toEqual(['newest pin'])

    pins.changed({ ...message('elsewhere', 'bob', 'not read'), pinned: { by: 'bob', at: 4 } })
    expect(pins.pinsOf('elsewhere')).toBeUndefined()
  })
})
