import { defineStore } from 'pinia'

export type ConnectionStatus = 'idle' | 'connecting' | 'connected' | 'disconnected'

/** After the server closed the socket on purpose (e.g. shutting down), reconnect this much later. */
export const SERVER_CLOSE_RETRY_MS = 1000

/**
 * The realtime connection: its state, fed by the socket plugin's events, and the decision to be
 * connected at all, which follows who is signed in.
 */
export const useConnectionStore = defineStore('connection', () => {
  const chat = useChatSocket()
  const session = useSessionStore()
  const status = ref<ConnectionStatus>('idle')
  /** True once the socket has connected at least once: a later disconnect is a reconnect. */
  const everConnected = ref(false)

  const connected = computed(() => status.value === 'connected')
  /** The banner shows only for a lost connection, not for the first connect after loading. */
  const showBanner = computed(() => status.value === 'disconnected' || (status.value === 'connecting' && everConnected.value))

  function opened() {
    status.value = 'connected'
    everConnected.value = true
  }

  function closed(reason?: string) {
    status.value = 'disconnected'
    // Socket.io retries by itself except after a deliberate close by the server, which is also
    // what ending this session elsewhere looks like: ask who is signed in before reconnecting.
    if (reason === 'io server disconnect' && session.user) {
      setTimeout(() => {
        session.recheck()
          .catch(() => undefined)
          .then(() => { if (session.user) chat.connect() })
      }, SERVER_CLOSE_RETRY_MS)
    }
  }

  function reconnecting() {
    status.value = 'connecting'
  }

  function reset() {
    status.value = 'idle'
    everConnected.value = false
  }

  /** Connected exactly while someone is signed in. */
  function follow() {
    if (session.user) {
      if (!chat.isConnected() && status.value !== 'connecting') status.value = 'connecting'
      chat.connect()
    }
    else {
      chat.disconnect()
      reset()
    }
  }

  let started = false
  /** Called once hydration is over: live events must not change what the server rendered mid-hydration. */
  function start() {
    if (started) return
    started = true
    follow()
    watch(() => session.user?.username, follow)
  }

  return { status, everConnected, connected, showBanner, opened, closed, reconnecting, reset, start }
})
