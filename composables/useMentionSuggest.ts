import type { Ref } from 'vue'
import type { Person } from '#shared/types/chat'

/** `@` and the start of a name, just before the caret. */
const TYPING_MENTION = /(?:^|\s)@([\w-]{0,32})$/

/** Where the people suggested come from: the composer passes the stores' calls. */
export interface MentionSources {
  /** A room's members; none for the default rooms, which hold everyone. */
  members: (room: string) => Promise<Person[]>
  /** People whose username or display name starts with the query. */
  search: (query: string) => Promise<Person[]>
  /** Who is typing, left out of the suggestions; null for a guest, who gets none. */
  me: () => string | null
}

/**
 * `@` autocompletion in the composer: the room's members (looked up once per room), or for the
 * default rooms, which hold everyone, the people search. Arrow keys move, Enter or Tab pick,
 * Escape closes.
 */
export function useMentionSuggest(roomId: () => string, text: Ref<string>, input: Ref<HTMLTextAreaElement | undefined>, sources: MentionSources) {
  const list = useSuggestionList<Person>(text, input, (person, before) => before.replace(/@[\w-]*$/, `@${person.username} `))
  const members = new Map<string, Person[]>()
  let asked = 0

  async function candidates(query: string): Promise<Person[]> {
    const room = roomId()
    if (!members.has(room)) members.set(room, await sources.members(room).catch(() => []))
    const known = members.get(room)!
    if (known.length) return known.filter(p => p.username.startsWith(query) || p.displayName.toLowerCase().startsWith(query))
    return query ? sources.search(query) : []
  }

  async function update() {
    const el = input.value
    const me = sources.me()
    if (!el || !me) return
    const match = TYPING_MENTION.exec(text.value.slice(0, el.selectionStart ?? text.value.length))
    if (!match) {
      list.show([])
      return
    }
    const ask = ++asked
    const found = (await candidates(match[1]!.toLowerCase())).filter(p => p.username !== me).slice(0, 8)
    if (ask !== asked) return
    list.show(found)
  }

  return { suggestions: list.suggestions, active: list.active, update, pick: list.pick, onKeydown: list.onKeydown }
}
