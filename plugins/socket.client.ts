/**
 * The page's one Socket.io connection, and the only thing that feeds the chat stores from it.
 * Connects after hydration while someone is signed in; on every (re)connect it re-joins the room
 * on screen and catches up on every room held, since Socket.io delivery is at-most-once.
 */
export default defineNuxtPlugin({
  name: 'chat-socket',
  setup(nuxtApp) {
    const socket = createChatSocket()
    const session = useSessionStore()
    const rooms = useRoomsStore()
    const messages = useMessagesStore()
    const presence = usePresenceStore()
    const connection = useConnectionStore()

    socket.on('connect', () => {
      connection.set('connected')
      if (rooms.currentId) void presence.join(rooms.currentId)
      void messages.catchUpAll()
      void rooms.load(true).catch(() => undefined)
    })
    socket.on('disconnect', (reason) => {
      connection.set('disconnected', reason)
      messages.failInFlight('Connection lost')
      presence.typing = {}
      // The server closed this socket on purpose (e.g. shutting down): Socket.io will not retry by itself.
      if (reason === 'io server disconnect' && session.user) setTimeout(() => socket.connect(), 1000)
    })
    socket.on('connect_error', (error) => {
      connection.set('disconnected', error.message)
      // A handshake refused for want of a session: the cookie expired, so sign in again.
      if (/auth|sign in|session/i.test(error.message)) {
        session.user = null
        void nuxtApp.runWithContext(() => navigateTo({ path: '/login', query: { redirect: useRoute().fullPath } }))
      }
    })
    socket.io.on('reconnect_attempt', () => connection.set('connecting'))

    socket.on('new message', (message) => {
      presence.typingStopped({ room: message.room, username: message.username })
      messages.receive(message)
    })
    socket.on('typing', event => presence.typingStarted(event))
    socket.on('stop typing', event => presence.typingStopped(event))
    socket.on('room members', ({ room, members }) => presence.setMembers(room, members, true))
    socket.on('room created', room => rooms.upsert(room))
    socket.on('room read', ({ room }) => rooms.clearUnread(room))
    socket.on('presence', ({ numUsers }) => { presence.numUsers = numUsers })
    socket.on('login', ({ numUsers }) => { presence.numUsers = numUsers })
    socket.on('user joined', ({ numUsers }) => { presence.numUsers = numUsers })
    socket.on('user left', ({ numUsers }) => { presence.numUsers = numUsers })

    setInterval(() => presence.expireTyping(), 1000)

    // Read markers (kept on the server for accounts): the newest message of the open room counts
    // as read while the page is visible.
    const chat = useChatSocket()
    const markedRead: Record<string, string> = {}
    function markRead() {
      const room = rooms.currentId
      if (!room || !socket.connected || !session.user || session.user.guest || document.visibilityState !== 'visible') return
      const newest = messages.messagesOf(room).at(-1)?.message
      if (!newest || newest <= (markedRead[room] ?? '')) return
      markedRead[room] = newest
      chat.markRead(room, newest)
    }
    watch(() => [rooms.currentId, rooms.currentId ? messages.messagesOf(rooms.currentId).at(-1)?.message : null, connection.connected], markRead)

    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') {
        rooms.markSeen()
        markRead()
      }
    })

    /** Whose data the stores hold: switching to another account starts from empty stores. */
    let owner = session.user?.username ?? null

    function sync() {
      const user = session.user?.username ?? null
      if (user && owner && user !== owner) {
        messages.reset()
        presence.reset()
        rooms.reset()
      }
      if (user) owner = user
      if (user && !socket.connected && !socket.active) {
        connection.set('connecting')
        socket.connect()
      }
      else if (!user && (socket.connected || socket.active)) {
        socket.disconnect()
        connection.reset()
      }
    }

    // Not before hydration is over ('app:mounted' is too early: async layouts and pages still
    // hydrate then): live events must not change what the server rendered mid-hydration.
    nuxtApp.hooks.hookOnce('app:suspense:resolve', () => {
      sync()
      watch(() => session.user?.username, sync)
    })

    return { provide: { chatSocket: socket } }
  },
})
