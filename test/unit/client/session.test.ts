import { beforeEach, describe, expect, it } from 'vitest'
import { registerEndpoint } from '@nuxt/test-utils/runtime'
import { createPinia, setActivePinia } from 'pinia'

const ann = { username: 'ann', avatar: '/a/ann.svg', guest: false }
const bob = { username: 'bob', avatar: '/a/bob.svg', guest: false }
let meCalls = 0
registerEndpoint('/api/auth/me', () => {
  meCalls++
  return { user: ann }
})
registerEndpoint('/api/auth/login', { method: 'POST', handler: () => ({ user: bob }) })
registerEndpoint('/api/auth/guest', { method: 'POST', handler: () => ({ user: { username: 'anonymous_abc123', avatar: '/a/x.svg', guest: true } }) })
registerEndpoint('/api/auth/logout', { method: 'POST', handler: () => ({ ok: true }) })

beforeEach(() => {
  setActivePinia(createPinia())
  meCalls = 0
})

describe('the session store', () => {
  it('loads who is signed in once and remembers them as the owner of the page\'s data', async () => {
    const session = useSessionStore()
    await session.load()
    await session.load()
    expect(session.user).toEqual(ann)
    expect(session.owner).toBe('ann')
    expect(session.loaded).toBe(true)
    expect(meCalls).toBe(1)
  })

  it('keeps the owner after signing out, and changes it when someone else signs in', async () => {
    const session = useSessionStore()
    await session.load()
    await session.logout()
    expect(session.user).toBeNull()
    expect(session.owner).toBe('ann')
    await session.login({ username: 'bob', password: 'correct horse battery' })
    expect(session.user).toEqual(bob)
    expect(session.owner).toBe('bob')
  })

  it('signs in a guest as a guest', async () => {
    const session = useSessionStore()
    await session.continueAsGuest()
    expect(session.user).toEqual({ username: 'anonymous_abc123', avatar: '/a/x.svg', guest: true })
    expect(session.owner).toBe('anonymous_abc123')
  })
})
