import type { Ref } from 'vue'

/**
 * The keyboard-driven list under the composer that `@` names (useMentionSuggest) and `:emoji:` /
 * `#room` (useShortcodeSuggest) share: arrow keys move, Enter or Tab pick, Escape closes. `put`
 * gives the text before the caret once `item` replaces what was typed; the caret goes after it.
 */
export function useSuggestionList<T>(text: Ref<string>, input: Ref<HTMLTextAreaElement | undefined>, put: (item: T, before: string) => string) {
  const suggestions = ref<T[]>([]) as Ref<T[]>
  const active = ref(0)

  function show(items: T[]) {
    suggestions.value = items
    active.value = 0
  }

  function pick(item: T) {
    const el = input.value
    const caret = el?.selectionStart ?? text.value.length
    const before = put(item, text.value.slice(0, caret))
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

  return { suggestions, active, show, pick, onKeydown }
}
