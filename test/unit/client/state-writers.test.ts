import { describe, expect, it } from 'vitest'
import { findStoreWrites, type Options } from './support/store-writes'

// The app's own source, read as text (not run). Vite needs each glob's options written out.
const outsideStores = import.meta.glob<string>([
  '../../../components/**/*.vue', '../../../pages/**/*.vue', '../../../layouts/*.vue', '../../../app.vue', '../../../error.vue',
  '../../../plugins/*.ts', '../../../middleware/*.ts',
], { query: '?raw', import: 'default', eager: true })
const stores = import.meta.glob<string>('../../../stores/*.ts', { query: '?raw', import: 'default', eager: true })
const composables = import.meta.glob<string>('../../../composables/**/*.ts', { query: '?raw', import: 'default', eager: true })
const helpers = import.meta.glob<string>('../../../utils/**/*.ts', { query: '?raw', import: 'default', eager: true })

const lineAt = (text: string, index: number) => text.slice(0, index).split('\n').length
const decode = (html: string) => html.replaceAll('&quot;', '"').replaceAll('&#39;', '\'').replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&')

/** Store writes in a single-file component: its scripts, then its template's v-model and event handlers. */
function componentWrites(source: string): string[] {
  const found: string[] = []
  let scope: NonNullable<Options['scope']> = new Map()
  for (const match of source.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)) {
    const first = lineAt(source, match.index + match[0].indexOf(match[1]!))
    const { writes, topLevel } = findStoreWrites(match[1]!)
    found.push(...writes.map(w => `${first + w.line - 1}: ${w.code}`))
    scope = new Map([...scope, ...topLevel])
  }
  const start = source.indexOf('<template')
  if (start < 0) return found
  const template = source.slice(start, source.lastIndexOf('</template>'))
  // v-for over a store's list gives its objects (scopes are not tracked: every alias counts everywhere).
  const templateScope = new Map(scope)
  for (const match of template.matchAll(/\sv-for="([^"]*)"/g)) {
    const [, aliases, list] = /^\s*\(?(.*?)(?:,\s*\w+)?\)?\s+(?:in|of)\s+([\s\S]+)$/.exec(decode(match[1]!)) ?? []
    if (aliases && list) for (const [name, reach] of findStoreWrites(`for (const ${aliases} of (${list})) {}`, { scope, template: true }).topLevel) templateScope.set(name, reach)
  }
  for (const match of template.matchAll(/\s(v-model(?::[\w-]+)?(?:\.\w+)*|@[\w:.-]+|v-on:[\w:.-]+)="([^"]*)"/g)) {
    const expression = decode(match[2]!)
    const code = match[1]!.startsWith('v-model') ? `(${expression}) = $event` : expression
    const line = lineAt(source, start + match.index)
    found.push(...findStoreWrites(code, { scope: templateScope, template: true }).writes.map(w => `${line}: ${match[1]}="${expression}" (${w.code})`))
  }
  return found
}

function scriptWrites(source: string): string[] {
  return findStoreWrites(source).writes.map(w => `${w.line}: ${w.code}`)
}

const name = (path: string) => path.replace('../../../', '')
function writesIn(files: Record<string, string>, find: (source: string) => string[]): string[] {
  return Object.entries(files).flatMap(([path, source]) => find(source).map(write => `${name(path)}:${write}`))
}

describe('one writer per piece of state', () => {
  it('finds the app\'s files to check', () => {
    expect(Object.keys(outsideStores).length).toBeGreaterThan(30)
    expect(Object.keys(stores).length).toBeGreaterThan(8)
  })

  it('components, pages, layouts and plugins change a store only through its actions', () => {
    expect(writesIn(outsideStores, source => source.trimStart().startsWith('<') ? componentWrites(source) : scriptWrites(source))).toEqual([])
  })

  it('a store changes another store only through that store\'s actions', () => {
    expect(writesIn(stores, scriptWrites)).toEqual([])
  })

  it('composables call no store, and helpers call neither stores nor composables', () => {
    const calling = (files: Record<string, string>, pattern: RegExp) => Object.entries(files).filter(([, source]) => pattern.test(source)).map(([path]) => name(path))
    expect(calling(composables, /\buse[A-Z]\w*Store\s*\(/)).toEqual([])
    expect(calling(helpers, /\buse[A-Z]\w*\s*\(/)).toEqual([])
  })
})

/** Component-shaped snippets: a script (and a template) as the check reads them. */
const sfc = (script: string, template = '') => `<script setup lang="ts">\n${script}\n</script>\n\n<template>\n${template}\n</template>\n`

describe('the store-write check', () => {
  const rooms = 'const rooms = useRoomsStore()\n'
  it.each([
    ['an assignment into a store\'s state', sfc('const actions = useMessageActionsStore()\nfunction cancel(room: string) { actions.editing[room] = null }')],
    ['a write through an object a store holds', sfc(`${rooms}function join(id: string) {\n  const known = rooms.byId(id)\n  if (known) known.member = true\n}`)],
    ['a write through a store\'s getter', sfc(`${rooms}rooms.byId('x')!.muted = true`)],
    ['a mutating method on a store\'s list', sfc(`${rooms}rooms.list.push(summary)`)],
    ['a write to a loop variable over a store\'s list', sfc(`${rooms}for (const room of rooms.list) room.unread = 0`)],
    ['a write in a callback over a store\'s list', sfc(`${rooms}rooms.list.forEach((room) => { room.unread = 0 })`)],
    ['a delete', sfc('const drafts = useDraftsStore()\ndelete drafts.texts.general')],
    ['$patch', sfc(`${rooms}rooms.$patch({ loaded: false })`)],
    ['a write to a ref from storeToRefs', sfc('const { editing } = storeToRefs(useMessageActionsStore())\nediting.value = {}')],
    ['a write through a computed over store state', sfc(`${rooms}const room = computed(() => rooms.byId('x'))\nroom.value!.muted = true`)],
    ['Object.assign onto store state', sfc(`${rooms}Object.assign(rooms.byId('x')!, { muted: true })`)],
    ['an increment', sfc('const presence = usePresenceStore()\npresence.numUsers!++')],
    ['a write in a watcher of store state', sfc(`${rooms}watch(() => rooms.byId('x'), (room) => { if (room) room.muted = true })`)],
    ['a write through a find on a store\'s list', sfc('const messages = useMessagesStore()\nmessages.messagesOf(\'x\').find(m => m.id === \'y\')!.content.text = \'\'')],
    ['v-model on store state', sfc('const notifications = useNotificationsStore()', '<input v-model="notifications.sound" type="checkbox">')],
    ['an assignment in an event handler', sfc(rooms, '<button @click="rooms.unread[id] = 0">Read</button>')],
    ['a handler writing a v-for alias over a store\'s list', sfc(rooms, '<li v-for="(room, i) in rooms.list" :key="i"><button @click="room.muted = true" /></li>')],
    ['a template assignment to a store\'s ref', sfc('const { sound } = storeToRefs(useNotificationsStore())', '<button @click="sound = true" />')],
  ])('finds %s', (_, source) => {
    expect(componentWrites(source)).toHaveLength(1)
  })

  it('finds a store writing another store\'s state', () => {
    const store = 'export const useX = defineStore(\'x\', () => {\n  const messages = useMessagesStore()\n  function update(room: string, i: number, m: ChatMessage) {\n    const list = messages.history[room]?.messages\n    if (list) list[i] = m\n    messages.history[room]!.syncedAt = 1\n  }\n  return { update }\n})'
    expect(scriptWrites(store)).toEqual(['5: list[i] = m', '6: messages.history[room]!.syncedAt = 1'])
  })

  it.each([
    ['local refs filled from a store', sfc('const drafts = useDraftsStore()\nconst text = ref(\'\')\ntext.value = drafts.textOf(\'x\')')],
    ['actions, whatever their names', sfc('const drafts = useDraftsStore()\ndrafts.set(\'x\', \'y\')\ndrafts.restore()')],
    ['sorting a filtered copy', sfc(`${rooms}const mine = rooms.list.filter(r => r.member).sort((a, b) => a.id.localeCompare(b.id))`)],
    ['a watcher writing local state', sfc('const actions = useMessageActionsStore()\nconst text = ref(\'\')\nconst editing = computed(() => actions.editing.x)\nwatch(editing, (id) => { text.value = id ?? \'\' })')],
    ['a local ref holding search results', sfc('const people = usePeopleStore()\nconst results = ref<Person[]>([])\nasync function find(q: string) { results.value = (await people.search(q)).filter(p => p.username !== \'me\') }')],
    ['a local object named like a store-held one in another function', sfc(`${rooms}function a() { return rooms.byId('x') }\nfunction b() {\n  const room = { muted: false }\n  room.muted = true\n}\nfunction c() {\n  const room = rooms.byId('x')\n  return room\n}`)],
    ['template writes to local state', sfc('const menuOpen = useMenuOpen()\nconst chosen = ref<Person[]>([])', '<button @click="menuOpen = true" /><li v-for="p in chosen" :key="p.username" @click="chosen = chosen.filter(c => c !== p)" />')],
  ])('allows %s', (_, source) => {
    expect(componentWrites(source)).toEqual([])
  })
})
