import { defineStore } from 'pinia'

export type ConnectionStatus = 'idle' | 'connecting' | 'connected' | 'disconnected'

/** The state of the realtime connection, set only by plugins/socket.client.ts. */
export const useConnectionStore = defineStore('connection', () => {
  const status = ref<ConnectionStatus>('idle')
  /** True once the socket has connected at least once: a later disconnect is a reconnect. */
  const everConnected = ref(false)
  const error = ref<string | null>(null)

  const connected = computed(() => status.value === 'connected')
  /** The banner shows only for a lost connection, not for the first connect after loading. */
  const showBanner = computed(() => status.value === 'disconnected' || (status.value === 'connecting' && everConnected.value))

  function set(next: ConnectionStatus, message: string | null = null) {
    status.value = next
    error.value = message
    if (next === 'connected') everConnected.value = true
  }

  function reset() {
    status.value = 'idle'
    everConnected.value = false
    error.value = null
  }

  return { status, everConnected, error, connected, showBanner, set, reset }
})
