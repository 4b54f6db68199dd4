import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'

const ann = { username: 'ann', avatar: '/a/ann.svg', guest: false }
const bob = { username: 'bob', avatar: '/a/bob.svg', guest: false }

/** A fresh page in the same tab: new stores, the same sessionStorage. */
function reload(user = ann) {
  setActivePinia(createPinia())
  useSessionStore().user = user
  return useDraftsStore()
}

beforeEach(() => {
  sessionStorage.clear()
})

describe('the drafts store', () => {
  it('keeps each room\'s unsent text apart, also after a reload of the tab', () => {
    const drafts = reload()
    drafts.set('general', 'half a thought')
    drafts.set('fargate', 'another one')
    expect(drafts.textOf('general')).toBe('half a thought')
    expect(reload().textOf('fargate')).toBe('another one')
    expect(reload().textOf('lambda')).toBe('')
  })

  it('forgets a room\'s draft once its text is sent or wiped', () => {
    const drafts = reload()
    drafts.set('general', 'typed')
    drafts.set('general', '   ')
    expect(drafts.textOf('general')).toBe('')
    expect(sessionStorage.length).toBe(0)
  })

  it('shows another account signed in on the tab none of it, and forgets it on signing out', () => {
    reload().set('general', 'for Ann only')
    expect(reload(bob).textOf('general')).toBe('')
    const drafts = reload()
    expect(drafts.textOf('general')).toBe('for Ann only')
    drafts.forget('ann')
    expect(drafts.textOf('general')).toBe('')
    expect(reload().textOf('general')).toBe('')
  })

  it('lists a draft only once restored after mounting, so the server\'s HTML and hydration agree', () => {
    reload().set('general', 'typed earlier')
    const drafts = reload()
    expect(drafts.shownDraftOf('general')).toBe('')
    drafts.restore()
    expect(drafts.shownDraftOf('general')).toBe('typed earlier')
  })

  it('ignores a damaged saved entry instead of failing the composer', () => {
    sessionStorage.setItem('fargate-chat:drafts:ann', '{not json')
    const drafts = reload()
    expect(drafts.textOf('general')).toBe('')
    drafts.set('general', 'fresh')
    expect(reload().textOf('general')).toBe('fresh')
  })
})
