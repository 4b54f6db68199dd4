import type { Ref } from 'vue'
import { searchEmoji, type CatalogueEmoji } from '#shared/utils/emoji'

/** `:` and at least two letters of a shortcode, just before the caret (`:ta` → 🎉, as Slack starts). */
const TYPING_EMOJI = /(?:^|\s):([\w+-]{2,32})$/
/** `#` and the start of a room's id or name, just before the caret. */
const TYPING_ROOM = /(?:^|\s)#([\w-]{0,40})$/
const SHOWN = 8

/** One line of the list: what it shows, and what picking it puts in place of what was typed. */
export interface Shortcode {
  key: string
  /** The emoji, or the room's name. */
  label: string
  /** `:tada:`, or `#general`. */
  hint: string
  insert: string
}

/** Where the suggestions come from: the composer passes them in. */
export interface ShortcodeSources {
  /** The emoji catalogue (loaded the first time a shortcode is typed). */
  emoji: () => Promise<CatalogueEmoji[]>
  /** Rooms the reader can read (the sidebar's), with the address a link to each has. */
  rooms: () => { id: string, name: string, link: string }[]
}

/**
 * `:emoji:` and `#room` autocompletion in the composer, as the `@` list does it (useMentionSuggest):
 * arrow keys move, Enter or Tab pick, Escape closes. An emoji is put in as itself; a room as a
 * Markdown link to it, which the server renders like any link.
 */
export function useShortcodeSuggest(text: Ref<string>, input: Ref<HTMLTextAreaElement | undefined>, sources: ShortcodeSources) {
  /** What the list replaces: the typed `:ta` or `#gen`. */
  let typed = ''
  const list = useSuggestionList<Shortcode>(text, input, (choice, before) => before.slice(0, before.length - typed.length) + choice.insert)
  let asked = 0

  async function candidates(before: string): Promise<Shortcode[]> {
    const room = TYPING_ROOM.exec(before)
    if (room) {
      typed = `#${room[1]}`
      const q = room[1]!.toLowerCase()
      return sources.rooms()
        .filter(r => r.id.startsWith(q) || r.name.toLowerCase().startsWith(q))
        .slice(0, SHOWN)
        .map(r => ({ key: `#${r.id}`, label: r.name, hint: `#${r.id}`, insert: `[#${r.name}](${r.link}) ` }))
    }
    const emoji = TYPING_EMOJI.exec(before)
    if (!emoji) return []
    typed = `:${emoji[1]}`
    const catalogue = await sources.emoji().catch(() => [])
    return searchEmoji(catalogue, emoji[1]!, SHOWN)
      .map(e => ({ key: e.unicode, label: e.unicode, hint: `:${e.shortcodes[0] ?? e.label}:`, insert: `${e.unicode} ` }))
  }

  async function update() {
    const el = input.value
    if (!el) return
    const ask = ++asked
    const found = await candidates(text.value.slice(0, el.selectionStart ?? text.value.length))
    if (ask !== asked) return
    list.show(found)
  }

  return { suggestions: list.suggestions, active: list.active, update, pick: list.pick, onKeydown: list.onKeydown }
}
