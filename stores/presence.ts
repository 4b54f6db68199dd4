import { defineStore } from 'pinia'
import type { RoomMember, TypingEvent } from '#shared/types/chat'

/** How long a remote "typing" lasts without a refresh (the server expires its own after ~3 s). */
export const TYPING_EXPIRY_MS = 4000
/** While typing, "typing" is sent again this often. */
export const TYPING_REFRESH_MS = 2000
/** After the last keystroke, "stop typing" follows this much later. */
export const TYPING_IDLE_MS = 3000

export interface TypingPerson {
  username: string
  avatar: string
  until: number
}

export interface Notice {
  id: string
  room: string
  time: number
  text: string
}

const MAX_NOTICES = 20

/** Who is online: everyone (a count), who looks at each room, who is typing, joined/left notices. */
export const usePresenceStore = defineStore('presence', () => {
  const chat = useChatSocket()
  const session = useSessionStore()

  const numUsers = ref<number | null>(null)
  const members = ref<Record<string, RoomMember[]>>({})
  const typing = ref<Record<string, Record<string, TypingPerson>>>({})
  const notices = ref<Record<string, Notice[]>>({})
  let noticeIds = 0
  let typingSentAt = 0
  let typingRoom: string | null = null
  let stopTimer: ReturnType<typeof setTimeout> | null = null

  function membersOf(room: string): RoomMember[] {
    return members.value[room] ?? []
  }

  function typingIn(room: string): TypingPerson[] {
    const me = session.user?.username
    return Object.values(typing.value[room] ?? {}).filter(p => p.username !== me)
  }

  function noticesOf(room: string): Notice[] {
    return notices.value[room] ?? []
  }

  function notice(room: string, text: string) {
    const list = (notices.value[room] ??= [])
    list.push({ id: `notice-${++noticeIds}`, room, time: Date.now(), text })
    if (list.length > MAX_NOTICES) list.splice(0, list.length - MAX_NOTICES)
  }

  /** New member list for a room; with `announce`, who came and went becomes a notice. */
  function setMembers(room: string, next: RoomMember[], announce: boolean) {
    const before = members.value[room]
    members.value[room] = next
    if (!announce || !before) return
    const me = session.user?.username
    const had = new Set(before.map(m => m.username))
    const has = new Set(next.map(m => m.username))
    for (const m of next) if (!had.has(m.username) && m.username !== me) notice(room, `${m.username} joined the room`)
    for (const m of before) if (!has.has(m.username) && m.username !== me) notice(room, `${m.username} left the room`)
  }

  /** Tells the server which room is on screen and learns who else is there. */
  async function join(room: string) {
    if (!chat.isConnected()) return
    try {
      const { members: list } = await chat.joinRoom(room)
      setMembers(room, list, false)
    }
    catch {
      // Joining fails for rooms that do not exist (yet); the page already says so.
    }
  }

  function leave(room: string) {
    stopTyping(room)
    chat.leaveRoom(room)
  }

  function typingStarted(event: TypingEvent) {
    const room = (typing.value[event.room] ??= {})
    room[event.username] = { username: event.username, avatar: event.avatar ?? '', until: Date.now() + TYPING_EXPIRY_MS }
  }

  function typingStopped(event: Pick<TypingEvent, 'room' | 'username'>) {
    const room = typing.value[event.room]
    if (room?.[event.username]) delete room[event.username]
  }

  /** Drops typing entries whose refresh never came. Called every second by the socket plugin. */
  function expireTyping(now = Date.now()) {
    for (const room of Object.values(typing.value)) {
      for (const [name, person] of Object.entries(room)) if (person.until <= now) delete room[name]
    }
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
    members.value = {}
    typing.value = {}
    notices.value = {}
  }

  return { numUsers, members, typing, notices, membersOf, typingIn, noticesOf, notice, setMembers, join, leave, typingStarted, typingStopped, expireTyping, typed, stopTyping, reset }
})
