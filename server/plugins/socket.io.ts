import type { IncomingMessage } from 'node:http'
import { defineEventHandler } from 'h3'
import { defineNitroPlugin } from 'nitropack/runtime'
import { Server as Engine } from 'engine.io'
import { Server } from 'socket.io'
import { createAdapter, createShardedAdapter } from '@socket.io/redis-adapter'
import { getServerConfig } from '../core/config.ts'
import { log } from '../core/logger.ts'
import { drainMessageWrites } from '../domain/messages/messages.ts'
import { settleThreadCounts } from '../domain/threads/threads.ts'
import { markDraining } from '../services/readiness.ts'
import { clientAddress, isAllowedOrigin } from '../core/request-info.ts'
import { closeServices, useServices } from '../services/services.ts'
import { sessionFromRequest } from '../utils/session-cookie.ts'
import { createAnnouncer } from '../socket/announcer.ts'
import { createViewerAnnouncer } from '../socket/viewer-announcer.ts'
import { createAwayWatch } from '../socket/away.ts'
import { handleConnection } from '../socket/connection.ts'
import { coalesceFrames } from '../socket/frame-coalescing.ts'
import { relayDomainEvents } from '../socket/relays.ts'
import { settleHandlers } from '../socket/handler.ts'
import { watchRelays } from '../socket/relay-recovery.ts'
import { sessionRoom, type ChatServer, type SocketContext } from '../socket/types.ts'
import { useSessions } from '../domain/people/sessions.ts'
import { flushMetrics, metrics } from '../core/metrics.ts'

/** Messages are at most 2,000 characters; a frame much larger than that is abuse. */
const MAX_FRAME_BYTES = 16 * 1024

/** The parts of engine.io and crossws this glue needs that their types do not declare. */
interface EngineInternals {
  prepare: (req: IncomingMessage) => void
  onWebSocket: (req: IncomingMessage, socket: unknown, websocket: unknown) => void
  clients: Record<string, { close: () => void }>
}
interface CrosswsPeerInternals { _internal: { nodeReq?: IncomingMessage, request?: unknown } }
/** Nitro's graceful shutdown destroys at once every connection it marks idle, upgraded ones included. */
interface ShutdownTracked { _isIdle?: boolean }
interface WsSocket { _receiver?: { _maxPayload: number }, removeAllListeners: (event: string) => void }

/**
 * Socket.io on Nitro's own HTTP server and port (engine.io bound by hand, as Socket.io's Nuxt
 * guide does). All use of engine.io's and crossws's private API stays in this file (and in
 * socket/frame-coalescing.ts, which patches its websocket transport); the
 * services (Redis, presence, limits) come from services.ts.
 */
export default defineNitroPlugin((nitro) => {
  coalesceFrames()
  const config = getServerConfig()
  const { redis, presence } = useServices()
  const sessions = useSessions()
  const engine = new Engine({
    // Ping well inside the load balancer's 60 s idle timeout. A transport that went silent (no FIN:
    // a phone in a tunnel, a NAT forgetting the flow) is noticed by both ends within 20 s: the
    // page reconnects and catches up, the server lets the dead socket's presence go. (20 s + 20 s
    // took up to 40 s, and the chaos suite's cut transport stayed unnoticed through its window.)
    pingInterval: 10_000,
    pingTimeout: 10_000,
    maxHttpBufferSize: MAX_FRAME_BYTES,
    perMessageDeflate: false,
  })
  const internals = engine as unknown as EngineInternals
  const io: ChatServer = new Server({ serveClient: false })
  io.bind(engine)
  metrics.gauge('ConnectedSockets', () => engine.clientsCount)

  /**
   * Closes every client's transport (not a Socket.io disconnect, which clients take as final):
   * each client reconnects by itself and catches up by message id from storage.
   */
  function closeTransports(): void {
    for (const client of Object.values(internals.clients)) client.close()
  }

  if (redis) {
    // A Redis outage drops relays between instances without disconnecting anyone, so nobody
    // would catch up: once Redis is back, tell the clients that may have missed relays since when,
    // and make them reconnect (they catch up from before that time as they do after any reconnect).
    const relaysLostHere = (since: number) => {
      io.local.emit('relays lost', { since })
      closeTransports()
    }
    const dropped = watchRelays(redis, {
      resubscribed(since) {
        log.warn('socket.redis_resubscribed', { clients: engine.clientsCount, since })
        relaysLostHere(since)
      },
      relaysLost(since) {
        log.warn('socket.relays_lost', { since })
        io.serverSideEmit('relays lost', since)
      },
    })
    // The adapter publishes without awaiting: while Redis is down, drop those relays (local
    // clients are served directly) and count them, so the other instances hear of it later.
    const losing = (sentAt: number) => () => {
      metrics.count('RelayLosses')
      dropped(sentAt)
      return 0
    }
    const publish = redis.publish.publish.bind(redis.publish)
    redis.publish.publish = ((channel: string, message: string) => publish(channel, message).catch(losing(Date.now()))) as typeof publish
    // The sharded adapter awaits its publish before it delivers to this instance's own sockets: answer
    // at once, so local clients never wait on Redis (a frozen Redis would hold them indefinitely).
    const spublish = redis.publish.spublish.bind(redis.publish)
    redis.publish.spublish = ((channel: string, message: string) => {
      spublish(channel, message).catch(losing(Date.now()))
      return Promise.resolve(0)
    }) as typeof spublish
    // Sharded: a channel per room (subscriptionMode 'dynamic'), subscribed while this instance has a
    // socket in the room, so it never decodes other rooms' traffic (docs/capacity.md).
    io.adapter(config.redisAdapter === 'sharded'
      ? createShardedAdapter(redis.publish, redis.subscribe, { channelPrefix: 'fc:socket.io', subscriptionMode: 'dynamic' })
      : createAdapter(redis.publish, redis.subscribe, { key: 'fc:socket.io' }))
    io.on('relays lost', (since) => {
      log.warn('socket.peer_relays_lost', { clients: engine.clientsCount, since })
      relaysLostHere(since)
    })
  }

  // A list changed without a join or a leave (people of a dead instance expired, or people Redis
  // lost were put back): tell those who see it.
  const announceViewers = createViewerAnnouncer(io, presence)
  const away = createAwayWatch(io, presence, announceViewers, Boolean(redis), config.awayAfterMs)
  const ctx: SocketContext = { io, presence, announce: createAnnouncer(io, presence), announceViewers, awayChanged: away.changed }
  presence.on('changed', (room) => {
    if (room) return ctx.announceViewers(room)
    presence.online().then(count => io.emit('presence', count), (error: unknown) => log.warn('presence.expiry_failed', { room, error }))
  })
  // Other instances answer only through Redis: while its connections are down, nobody waits for them.
  relayDomainEvents(nitro, io, Boolean(redis), () => Boolean(redis && redis.publish.status === 'ready' && redis.subscribe.status === 'ready'))

  // Authenticate from the session cookie; anyone may connect, only signed-in sockets may send.
  io.use((socket, next) => {
    if (!isAllowedOrigin(socket.request, config.trustProxy, config.publicOrigin, config.allowedOrigins)) return next(new Error('Origin not allowed'))
    socket.data.address = clientAddress(socket.request, config.trustProxy)
    socket.data.user = null
    socket.data.session = null
    socket.data.viewing = null
    socket.data.sending = Promise.resolve()
    socket.data.viewingTurn = Promise.resolve()
    sessionFromRequest(socket.request)
      .then((session) => {
        socket.data.user = session?.user ?? null
        socket.data.session = session?.id ?? null
        next()
      })
      .catch(() => next())
  })

  io.on('connection', (socket) => {
    // The handshake request is no longer needed: dropping it saves memory per idle connection.
    ;(socket.conn as unknown as { request: IncomingMessage | null }).request = null
    const { session, user } = socket.data
    if (session && user) {
      // Signing out closes the session's sockets through this room; one revoked between the
      // handshake's check and this join would miss that, so check once more after joining.
      socket.join(sessionRoom(session))
      sessions.isActive(session, user.username)
        .then((active) => {
          if (!active) socket.disconnect(true)
        })
        .catch(() => {})
    }
    handleConnection(ctx, socket)
  })

  nitro.router.use('/socket.io/', defineEventHandler({
    handler(event) {
      engine.handleRequest(event.node.req, event.node.res)
      event._handled = true
    },
    websocket: {
      open(peer) {
        // crossws ≥ 0.3 exposes the Node request and the ws socket here.
        const internal = (peer as unknown as CrosswsPeerInternals)._internal
        const req = internal.nodeReq!
        const ws = peer.websocket as unknown as WsSocket
        // crossws creates the ws socket without engine.io's size limit: apply it to its receiver.
        if (ws._receiver) ws._receiver._maxPayload = MAX_FRAME_BYTES
        // crossws would also wrap every incoming frame and look up the route's hooks for it
        // (we have none): engine.io reads the frames itself, so drop crossws's listener.
        ws.removeAllListeners('message')
        // Not idle: on SIGTERM, Nitro's shutdown would destroy it before its in-flight messages
        // are acknowledged; drain() closes it instead, after the writes.
        ;(req.socket as ShutdownTracked)._isIdle = false
        internals.prepare(req)
        internals.onWebSocket(req, req.socket, peer.websocket)
        // engine.io owns the connection now; crossws's peer would keep the upgrade request (and
        // its headers) alive for the connection's whole life, a few KB per idle socket.
        internal.nodeReq = undefined
        internal.request = undefined
      },
    },
  }))

  // SIGTERM: report not ready, let in-flight writes finish (their acks go out), then close every
  // transport so clients reconnect to another task and catch up by message id. This starts on
  // the signal itself: Nitro's own shutdown runs its close hook only after every connection has
  // closed, which for websockets is this.
  let draining: Promise<void> | undefined
  const drain = () => draining ??= (async () => {
    markDraining()
    // Messages still being checked have not reached the writer yet: answer those first.
    await settleHandlers()
    await drainMessageWrites()
    // Replies' parents count them within a quarter second: before the process goes.
    await settleThreadCounts()
    // Every client reconnects by itself, to another task, and catches up.
    closeTransports()
  })()
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void drain())

  // Redis last, since Socket.io still publishes while it closes.
  nitro.hooks.hook('close', async () => {
    await drain()
    away.stop()
    await new Promise<void>(resolve => io.close(() => resolve()))
    await closeServices()
    flushMetrics()
    log.info('socket.closed')
  })
  log.info('socket.ready', { redis: Boolean(redis), ...(redis ? { adapter: config.redisAdapter } : {}) })
})
