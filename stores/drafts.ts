import { defineStore } from 'pinia'

/** Where a tab keeps one account's drafts: per tab (sessionStorage), gone when the tab closes. */
const storageKey = (username: string) => `fargate-chat:drafts:${username}`

/**
 * What was typed in each room and not sent yet, as in Slack: switching rooms or reloading the tab
 * keeps it. Kept under the account's name, so another account signed in on this tab never sees it,
 * and dropped on signing out (`forget`). Read in the browser only (the server renders an empty composer).
 */
export const useDraftsStore = defineStore('drafts', () => {
  const session = useSessionStore()
  const texts = ref<Record<string, string>>({})
  /** False on the server and until the page has mounted: the server's HTML shows no drafts, so hydration agrees. */
  const restored = ref(false)
  let loadedFor: string | null = null

  function storage(): Storage | null {
    try {
      return import.meta.client ? window.sessionStorage : null
    }
    catch {
      return null // storage disabled by the browser: drafts last as long as the page
    }
  }

  /** The drafts of whoever is signed in, read from the tab's storage once per account. */
  function current(): Record<string, string> {
    const username = session.user?.username ?? null
    if (username !== loadedFor) {
      loadedFor = username
      texts.value = {}
      const saved = username ? storage()?.getItem(storageKey(username)) : null
      if (saved) {
        try {
          const parsed: unknown = JSON.parse(saved)
          if (parsed && typeof parsed === 'object') texts.value = Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'))
        }
        catch {
          // A damaged entry is dropped below on the next save.
        }
      }
    }
    return texts.value
  }

  /** Reads the signed-in account's drafts once the page has mounted; lists show them from then on. */
  function restore() {
    current()
    restored.value = true
  }

  function textOf(room: string): string {
    return current()[room] ?? ''
  }

  /** A room's draft for the room list: none until restored, and nothing is read while rendering. */
  function shownDraftOf(room: string): string {
    return restored.value ? texts.value[room] ?? '' : ''
  }

  function set(room: string, text: string) {
    const others = Object.entries(current()).filter(([id]) => id !== room)
    const drafts = Object.fromEntries(text.trim() ? [...others, [room, text]] : others)
    texts.value = drafts
    const username = session.user?.username
    if (!username) return
    try {
      if (Object.keys(drafts).length) storage()?.setItem(storageKey(username), JSON.stringify(drafts))
      else storage()?.removeItem(storageKey(username))
    }
    catch {
      // Full or disabled storage: the draft still lasts as long as the page.
    }
  }

  /** Signing out leaves nothing typed behind in this tab for the next person at this browser. */
  function forget(username: string) {
    storage()?.removeItem(storageKey(username))
    if (loadedFor === username) {
      texts.value = {}
      loadedFor = null
    }
  }

  return { texts, restored, restore, textOf, shownDraftOf, set, forget }
})
