import { defineStore } from 'pinia'
import { useIntervalFn } from '@vueuse/core'
import type { PresenceCount, RoomMember, RoomViewers, TypingEvent } from '#shared/types/chat'

/** How long a remote "typing" lasts without a refresh (the server expires its own after ~3 s). */
export const TYPING_EXPIRY_MS = 4000
/** While typing, "typing" is sent again this often. */
export const TYPING_REFRESH_MS = 2000
/** After the last keystroke, "stop typing" follows this much later. */
export const TYPING_IDLE_MS = 3000
/** How often stale typing entries are swept. */
const TYPING_SWEEP_MS = 1000

export interface TypingPerson {
  username: string
  avatar: string
  until: number
}

/**
 * Who is online: everyone (a count), who looks at each room, who is typing. Who looks at a room
 * is shown in the room's online list only: viewers come and go on every room switch, so they are
 * not news for the conversation.
 */
/** A copy of `people` without the entries `drop` picks. */
function without(people: Record<string, TypingPerson>, drop: (name: string, person: TypingPerson) => boolean): Record<string, TypingPerson> {
  return Object.fromEntries(Object.entries(people).filter(([name, person]) => !drop(name, person)))
}

export const usePresenceStore = defineStore('presence', () => {
  const chat = useChatSocket()
  const session = useSessionStore()
  const messages = useMessagesStore()

  const numUsers = ref<number | null>(null)
  const members = ref<Record<string, RoomMember[]>>({})
  const typing = ref<Record<string, Record<string, TypingPerson>>>({})
  /** The room this page told the server it is looking at, re-told after every reconnect. */
  const viewing = ref<string | null>(null)
  /**
   * The version of each room's list held: a join's answer and the lists relayed from other
   * instances travel different paths and can arrive out of order; only a newer list replaces one.
   */
  const versions = new Map<string, number>()
  /** The same for the online count, announced by every instance. */
  let countVersion = -Infinity
  let typingSentAt = 0
  let typingRoom: string | null = null
  let stopTimer: ReturnType<typeof setTimeout> | null = null

  function membersOf(room: string): RoomMember[] {
    return members.value[room] ?? []
  }

  /** Whether who looks at the room is known yet (after joining it: never during SSR). */
  function knows(room: string): boolean {
    return room in members.value
  }

  function typingIn(room: string): TypingPerson[] {
    const me = session.user?.username
    return Object.values(typing.value[room] ?? {}).filter(p => p.username !== me)
  }

  function setCount(count: PresenceCount) {
    if (count.version < countVersion) return
    countVersion = count.version
    numUsers.value = count.numUsers
  }

  function setMembers(room: string, next: RoomViewers) {
    if (next.version < (versions.get(room) ?? -Infinity)) return
    versions.set(room, next.version)
    members.value[room] = next.members
  }

  /**
   * Tells the server which room is on screen and learns who else is there. A join that only now
   * subscribed this page to the room's live messages is followed by a catch-up: whatever was
   * stored between reading the history and subscribing was pushed to others, not to this page.
   */
  async function join(room: string) {
    viewing.value = room
    if (!chat.isConnected()) return
    try {
      // Live messages can arrive before the answer: the catch-up starts from what was held before.
      const heldBefore = messages.messagesOf(room).at(-1)?.id ?? null
      const joined = await chat.joinRoom(room)
      setMembers(room, joined)
      if (joined.subscribed) await messages.catchUp(room, heldBefore)
    }
    catch {
      // Joining fails for rooms that do not exist (yet); the page already says so. A catch-up
      // that fails is made again after the next reconnect.
    }
  }

  /**
   * After a (re)connect: the server forgot which room this page looks at. Versions (of the lists
   * and of the online count) start over (the instance answering may be another one, or Redis may
   * have restarted).
   */
  function rejoin() {
    versions.clear()
    countVersion = -Infinity
    if (viewing.value) return join(viewing.value)
  }

  function leave(room: string) {
    stopTyping(room)
    chat.leaveRoom(room)
    if (viewing.value === room) viewing.value = null
  }

  function typingStarted(event: TypingEvent) {
    const room = (typing.value[event.room] ??= {})
    room[event.username] = { username: event.username, avatar: event.avatar ?? '', until: Date.now() + TYPING_EXPIRY_MS }
  }

  function typingStopped(event: Pick<TypingEvent, 'room' | 'username'>) {
    const room = typing.value[event.room]
    if (room?.[event.username]) typing.value[event.room] = without(room, name => name === event.username)
  }

  /** Drops typing entries whose refresh never came. */
  function expireTyping(now = Date.now()) {
    for (const [id, room] of Object.entries(typing.value)) {
      if (Object.values(room).some(person => person.until <= now)) typing.value[id] = without(room, (_, person) => person.until <= now)
    }
  }

  /** Nobody is known to be typing any more (the connection dropped). */
  function clearTyping() {
    typing.value = {}
  }

  /** A keystroke in the composer: "typing" at most every TYPING_REFRESH_MS, "stop typing" when idle. */
  function typed(room: string) {
    const now = Date.now()
    if (typingRoom !== room || now - typingSentAt >= TYPING_REFRESH_MS) {
      chat.typing(room)
      typingSentAt = now
      typingRoom = room
    }
    if (stopTimer) clearTimeout(stopTimer)
    stopTimer = setTimeout(() => stopTyping(room), TYPING_IDLE_MS)
  }

  function stopTyping(room: string) {
    if (stopTimer) clearTimeout(stopTimer)
    stopTimer = null
    if (typingRoom !== room) return
    typingRoom = null
    typingSentAt = 0
    chat.stopTyping(room)
  }

  function reset() {
    numUsers.value = null
    versions.clear()
    countVersion = -Infinity
    members.value = {}
    typing.value = {}
  }

  if (import.meta.client) useIntervalFn(() => expireTyping(), TYPING_SWEEP_MS)
  watch(() => session.owner, (now, before) => { if (before && now !== before) reset() })

  return { numUsers, members, typing, viewing, membersOf, knows, typingIn, setCount, setMembers, join, rejoin, leave, typingStarted, typingStopped, expireTyping, clearTyping, typed, stopTyping, reset }
})
