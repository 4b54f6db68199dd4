import { defineStore, skipHydrate } from 'pinia'
import { useLocalStorage } from '@vueuse/core'
import type { ChatMessage } from '#shared/types/chat'
import { messageText } from '#shared/utils/message-html'

type Permission = NotificationPermission | 'unsupported'

/**
 * Browser notifications: asked for only with an explicit button (never on load), shown only
 * while the tab is hidden, for what the room's preference allows (DMs and mentions by default),
 * with an optional short sound.
 */
export const useNotificationsStore = defineStore('notifications', () => {
  const session = useSessionStore()
  const rooms = useRoomsStore()
  const people = usePeopleStore()
  const permission = ref<Permission>('unsupported')
  const sound = useLocalStorage('notify-sound', false)

  if (import.meta.client) permission.value = 'Notification' in window ? Notification.permission : 'unsupported'

  /** A short sound with each notification, or none (remembered by this browser). */
  function setSound(on: boolean) {
    sound.value = on
  }

  async function enable() {
    if (!import.meta.client || !('Notification' in window)) return
    permission.value = await Notification.requestPermission()
  }

  function wanted(message: ChatMessage): boolean {
    const me = session.user?.username
    const room = rooms.byId(message.room)
    if (!me || !room || message.username === me) return false
    const level = notifyLevel(room)
    return level === 'all' || (level === 'mentions' && mentionsMe(message, me))
  }

  let audio: AudioContext | null = null
  function beep() {
    audio ??= new AudioContext()
    const oscillator = audio.createOscillator()
    const gain = audio.createGain()
    gain.gain.value = 0.05
    oscillator.frequency.value = 880
    oscillator.connect(gain).connect(audio.destination)
    oscillator.start()
    oscillator.stop(audio.currentTime + 0.12)
  }

  /** A live message arrived: notify if the tab is hidden and the room's preference wants it. */
  function consider(message: ChatMessage) {
    if (!import.meta.client || document.visibilityState !== 'hidden' || !wanted(message)) return
    const room = rooms.byId(message.room)!
    const sender = people.nameOf(message.username)
    // Asked each time: the permission can change in the browser's settings while the page is open.
    permission.value = Notification.permission
    if (permission.value === 'granted') {
      const title = room.kind === 'dm' ? sender : `${sender} in #${room.id}`
      const shown = new Notification(title, { body: messageText(message).slice(0, 200), tag: message.id, icon: message.avatar })
      shown.onclick = () => {
        window.focus()
        // A thread reply opens its thread.
        void navigateTo(message.thread ? `/rooms/${room.id}?m=${encodeURIComponent(message.id)}` : `/rooms/${room.id}`)
      }
    }
    if (sound.value) beep()
  }

  // Both belong to this browser, never to the server-rendered state.
  return { permission: skipHydrate(permission), sound: skipHydrate(sound), setSound, enable, consider }
})
