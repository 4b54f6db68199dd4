import type { Ref } from 'vue'
import type { Person } from '#shared/types/chat'

/** `@` and the start of a name, just before the caret. */
const TYPING_MENTION = /(?:^|\s)@([\w-]{0,32})$/

/**
 * `@` autocompletion in the composer: the room's members (looked up once per room), or for the
 * default rooms, which hold everyone, the people search. Arrow keys move, Enter or Tab pick,
 * Escape closes.
 */
export function useMentionSuggest(roomId: () => string, text: Ref<string>, input: Ref<HTMLTextAreaElement | undefined>) {
  const actions = useRoomActions()
  const people = usePeopleStore()
  const session = useSessionStore()
  const suggestions = ref<Person[]>([])
  const active = ref(0)
  const members = new Map<string, Person[]>()
  let asked = 0

  async function candidates(query: string): Promise<Person[]> {
    const room = roomId()
    if (!members.has(room)) members.set(room, await actions.members(room).catch(() => []))
    const known = members.get(room)!
    if (known.length) return known.filter(p => p.username.startsWith(query) || p.displayName.toLowerCase().startsWith(query))
    return query ? people.search(query) : []
  }

  async function update() {
    const el = input.value
    if (!el || !session.user || session.user.guest) return
    const match = TYPING_MENTION.exec(text.value.slice(0, el.selectionStart ?? text.value.length))
    if (!match) {
      suggestions.value = []
      return
    }
    const ask = ++asked
    const found = (await candidates(match[1]!.toLowerCase())).filter(p => p.username !== session.user?.username).slice(0, 8)
    if (ask !== asked) return
    suggestions.value = found
    active.value = 0
  }

  function pick(person: Person) {
    const el = input.value
    const caret = el?.selectionStart ?? text.value.length
    const before = text.value.slice(0, caret).replace(/@[\w-]*$/, `@${person.username} `)
    text.value = before + text.value.slice(caret)
    suggestions.value = []
    nextTick(() => {
      el?.focus()
      el?.setSelectionRange(before.length, before.length)
    })
  }

  /** Handles the key if the suggestions are open; true when it did. */
  function onKeydown(event: KeyboardEvent): boolean {
    if (!suggestions.value.length) return false
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      const step = event.key === 'ArrowDown' ? 1 : -1
      active.value = (active.value + step + suggestions.value.length) % suggestions.value.length
    }
    else if (event.key === 'Enter' || event.key === 'Tab') pick(suggestions.value[active.value]!)
    else if (event.key === 'Escape') suggestions.value = []
    else return false
    event.preventDefault()
    return true
  }

  return { suggestions, active, update, pick, onKeydown }
}
