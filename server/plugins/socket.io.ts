import type { IncomingMessage } from 'node:http'
import { defineEventHandler } from 'h3'
import { defineNitroPlugin } from 'nitropack/runtime'
import { Server as Engine } from 'engine.io'
import { Server } from 'socket.io'
import { createAdapter } from '@socket.io/redis-adapter'
import { getServerConfig } from '../utils/config.ts'
import { log } from '../utils/logger.ts'
import { drainMessageWrites } from '../utils/messages.ts'
import { createMemoryPresenceStore, Presence } from '../utils/presence.ts'
import { createRedisPresenceStore } from '../utils/presence-redis.ts'
import { createRedisCounterStore, setCounterStore } from '../utils/rate-limit.ts'
import { addReadinessCheck, markDraining } from '../utils/readiness.ts'
import { createRedis } from '../utils/redis.ts'
import { clientAddress, isAllowedOrigin } from '../utils/request-info.ts'
import { onRoomCreated } from '../utils/room-events.ts'
import { setOnlineCounter } from '../utils/room-summaries.ts'
import { createMemorySendLimiter, createRedisSendLimiter } from '../utils/send-limit.ts'
import { userFromRequest } from '../utils/session.ts'
import { createAnnouncer } from '../socket/announcer.ts'
import { handleConnection } from '../socket/connection.ts'
import { SIGNED_IN, type ChatServer, type SocketContext } from '../socket/types.ts'

/** Messages are at most 2,000 characters; a frame much larger than that is abuse. */
const MAX_FRAME_BYTES = 16 * 1024

/**
 * Socket.io on Nitro's own HTTP server and port (engine.io bound by hand, as Socket.io's Nuxt
 * guide does). All use of engine.io's private API stays in this file.
 */
export default defineNitroPlugin((nitro) => {
  const config = getServerConfig()
  const engine = new Engine({
    // Ping well inside the load balancer's 60 s idle timeout.
    pingInterval: 20_000,
    pingTimeout: 20_000,
    maxHttpBufferSize: MAX_FRAME_BYTES,
    perMessageDeflate: false,
  })
  const io: ChatServer = new Server({ serveClient: false })
  io.bind(engine)

  const redis = config.redisUrl ? createRedis(config.redisUrl, 'commands') : null
  if (config.redisUrl) {
    const pub = createRedis(config.redisUrl, 'publish')
    const sub = createRedis(config.redisUrl, 'subscribe')
    // The adapter publishes without awaiting: while Redis is down, drop those relays quietly
    // (local clients are served directly; remote ones catch up from storage on reconnect).
    const publish = pub.publish.bind(pub)
    pub.publish = ((channel: string, message: string) => publish(channel, message).catch(() => 0)) as typeof pub.publish
    io.adapter(createAdapter(pub, sub, { key: 'fc:socket.io' }))
    addReadinessCheck({
      name: 'redis',
      async check() {
        for (const client of [redis!, pub, sub]) if (client.status !== 'ready') throw new Error(`redis ${client.status}`)
        await redis!.ping()
      },
    })
    nitro.hooks.hook('close', async () => {
      await Promise.all([pub, sub].map(c => c.quit().catch(() => c.disconnect())))
    })
  }

  const { limits } = config
  // Sign-in limits are in memory per instance by default; with Redis they hold across instances.
  if (redis) setCounterStore(createRedisCounterStore(redis))
  const presence = new Presence(redis ? local => createRedisPresenceStore(redis, local) : createMemoryPresenceStore)
  const ctx: SocketContext = {
    io,
    presence,
    sendLimit: redis ? createRedisSendLimiter(redis, limits.messageBurst, limits.messagesPerSecond) : createMemorySendLimiter(limits.messageBurst, limits.messagesPerSecond),
    announce: createAnnouncer(io, presence),
  }
  setOnlineCounter(rooms => ctx.presence.roomCounts(rooms))
  onRoomCreated(room => io.to(SIGNED_IN).emit('room created', room))

  // Authenticate from the session cookie; anyone may connect, only signed-in sockets may send.
  io.use((socket, next) => {
    if (!isAllowedOrigin(socket.request, config.trustProxy, config.allowedOrigins)) return next(new Error('Origin not allowed'))
    socket.data.address = clientAddress(socket.request, config.trustProxy)
    socket.data.user = null
    socket.data.viewing = null
    socket.data.sending = Promise.resolve()
    userFromRequest(socket.request)
      .then((user) => {
        socket.data.user = user
        next()
      })
      .catch(() => next())
  })

  io.on('connection', (socket) => {
    // The handshake request is no longer needed: dropping it saves memory per idle connection.
    ;(socket.conn as unknown as { request: IncomingMessage | null }).request = null
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
        const internal = (peer as unknown as { _internal: { nodeReq?: IncomingMessage, request?: unknown } })._internal
        const req = internal.nodeReq!
        const engineInternals = engine as unknown as {
          prepare: (req: IncomingMessage) => void
          onWebSocket: (req: IncomingMessage, socket: unknown, websocket: unknown) => void
        }
        const ws = peer.websocket as unknown as { _receiver?: { _maxPayload: number }, removeAllListeners: (event: string) => void }
        // crossws creates the ws socket without engine.io's size limit: apply it to its receiver.
        if (ws._receiver) ws._receiver._maxPayload = MAX_FRAME_BYTES
        // crossws would also wrap every incoming frame and look up the route's hooks for it
        // (we have none): engine.io reads the frames itself, so drop crossws's listener.
        ws.removeAllListeners('message')
        engineInternals.prepare(req)
        engineInternals.onWebSocket(req, req.socket, peer.websocket)
        // engine.io owns the connection now; crossws's peer would keep the upgrade request (and
        // its headers) alive for the connection's whole life, a few KB per idle socket.
        internal.nodeReq = undefined
        internal.request = undefined
      },
    },
  }))

  // SIGTERM: report not ready, let in-flight writes finish (their acks go out), then close
  // every socket so clients reconnect to another task and catch up by message id.
  nitro.hooks.hook('close', async () => {
    markDraining()
    await drainMessageWrites()
    // Closing the transports (not a Socket.io disconnect, which clients take as final) makes
    // every client reconnect by itself, to another task, and catch up.
    const { clients } = engine as unknown as { clients: Record<string, { close: () => void }> }
    for (const client of Object.values(clients)) client.close()
    await ctx.presence.close()
    await new Promise<void>(resolve => io.close(() => resolve()))
    await redis?.quit().catch(() => redis.disconnect())
    log.info('socket.closed')
  })
  log.info('socket.ready', { redis: Boolean(config.redisUrl) })
})
