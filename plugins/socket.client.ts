import { fromWire } from '#shared/utils/wire'

/**
 * Dispatches the socket's events to the stores' actions, and nothing else: the stores decide what
 * an event means. Delivery is at-most-once, so every (re)connect re-joins the room on screen and
 * catches up on every room held, from before anything it may have missed.
 */
export default defineNuxtPlugin({
  name: 'chat-socket',
  setup(nuxtApp) {
    const socket = chatSocket()!
    const connection = useConnectionStore()
    const rooms = useRoomsStore()
    const messages = useMessagesStore()
    const outbox = useOutboxStore()
    const presence = usePresenceStore()
    const actions = useMessageActionsStore()
    const notifications = useNotificationsStore()
    const threads = useThreadsStore()
    const people = usePeopleStore()

    socket.on('connect', () => {
      connection.opened()
      // What was typed while the connection was away goes now, in order.
      outbox.restore()
      void outbox.flush()
      void presence.rejoin()
      void rooms.refresh().catch(() => undefined)
    })
    // 'login' comes once the socket is subscribed to its rooms again: a catch-up that read before
    // that could miss what was stored in between. New messages first, then what changed in the
    // rooms held (edits, deletions, reactions).
    socket.on('login', (count) => {
      presence.setCount(count)
      void messages.catchUpAll().then(() => actions.catchUpAll())
      // The open thread reads the replies it missed (their parents' summaries come with the changes).
      void threads.catchUp()
    })
    socket.on('disconnect', (reason) => {
      // Whatever is stored from now on until the next catch-up is read from storage.
      messages.deliveriesLost()
      connection.closed(reason)
      outbox.connectionLost()
      presence.clearTyping()
    })
    socket.on('connect_error', () => connection.closed())
    socket.io.on('reconnect_attempt', () => connection.reconnecting())

    // Typing ends with the 'stop typing' the server relays when a message or an edit reaches it, in
    // order with the author's next key press; a message or edit arriving (once stored, later) does
    // not end it, or it would end the next message's typing begun meanwhile.
    socket.on('new message', (wire) => {
      const message = fromWire(wire)
      messages.receive(message)
      // A thread reply also sent to the room.
      threads.received(message)
      notifications.consider(message)
    })
    socket.on('thread reply', (wire) => {
      const message = fromWire(wire)
      threads.received(message)
      rooms.noteThreadReply(message)
      // Replies notify (as the room's setting allows) only in threads the reader follows or is named in.
      if (threads.concerns(message)) notifications.consider(message)
    })
    socket.on('thread updated', summary => threads.summaryChanged(summary))
    socket.on('thread activity', activity => threads.activity(activity))
    socket.on('message updated', wire => actions.update(fromWire(wire)))
    socket.on('message deleted', ({ room, message }) => {
      actions.deleted(room, message)
      threads.deleted(room, message)
    })
    socket.on('reaction', (change) => {
      actions.reacted(change)
      threads.reacted(change)
    })
    socket.on('person updated', person => people.updated(person))
    socket.on('typing', event => presence.typingStarted(event))
    socket.on('stop typing', event => presence.typingStopped(event))
    socket.on('room members', ({ room, ...viewers }) => presence.setMembers(room, viewers))
    socket.on('room created', room => rooms.upsert(room))
    socket.on('room read', ({ room }) => rooms.clearUnread(room))
    socket.on('attachment ready', ready => messages.attachmentReady(ready))
    // The server closes the transport right after: the reconnect's catch-up goes back before `since`.
    socket.on('relays lost', ({ since }) => messages.deliveriesLost(since))
    socket.on('room added', room => rooms.added(room))
    socket.on('room updated', room => rooms.updated(room))
    socket.on('room removed', ({ room, deleted }) => rooms.removed(room, deleted))
    socket.on('presence', count => presence.setCount(count))
    socket.on('user joined', count => presence.setCount(count))
    socket.on('user left', count => presence.setCount(count))

    // Not 'app:mounted': async layouts and pages still hydrate then.
    nuxtApp.hooks.hookOnce('app:suspense:resolve', () => {
      // Messages left unsent by a reload show again (after hydration: the server renders none).
      outbox.restore()
      connection.start()
    })
  },
})
