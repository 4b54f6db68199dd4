import { io, type Socket } from 'socket.io-client'
import type { ChatMessage, RoomJoined } from '#shared/types/chat'
import type { ClientToServerEvents, ServerToClientEvents, WireChangePage, WireMessage } from '#shared/types/socket'
import { fromWire } from '#shared/utils/wire'

/** What a message may carry besides its text: stored upload ids, and the id of the message it answers. */
export interface SendExtras {
  attachments?: string[]
  replyTo?: string
  thread?: string
  alsoToRoom?: true
}

export type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>

/** How long an acknowledgement may take before the call counts as failed. */
const ACK_TIMEOUT_MS = 10_000

/** The page's one connection; only ever created in the browser, so no state is shared between SSR requests. */
let shared: ChatSocket | null = null

/**
 * The one Socket.io connection of the page, or null during SSR. Websocket first, so the usual
 * client needs no sticky sessions; where a proxy blocks websockets, the next transport
 * (long-polling) is tried instead of giving up. The session cookie authenticates the handshake.
 */
export function chatSocket(): ChatSocket | null {
  if (import.meta.server) return null
  shared ??= io({
    transports: ['websocket', 'polling'],
    tryAllTransports: true,
    withCredentials: true,
    autoConnect: false,
    reconnectionDelay: 500,
    reconnectionDelayMax: 3000,
  })
  return shared
}

/** The server did not answer in time: the call may or may not have taken effect. */
export class AckTimeoutError extends Error {
  constructor() {
    super('No answer from the server')
    this.name = 'AckTimeoutError'
  }
}

/**
 * An acknowledged call with Socket.io's own timeout. The server answers node-style `(err, result)`
 * (the original protocol), which `emitWithAck` cannot carry: it resolves with the first argument
 * only. So the timed `emit` callback is used: `(timeout, err, result)`.
 */
function ask<T>(send: (socket: ChatSocket, done: (timeout: Error | null, err: string | null, result?: T) => void) => void): Promise<T> {
  const socket = chatSocket()
  // Messages wait in the outbox; edits, deletions and reactions say plainly that they cannot.
  if (!socket?.connected) return Promise.reject(new Error('This needs the connection: try again once it is back.'))
  return new Promise<T>((resolve, reject) => {
    send(socket, (timeout, err, result) => {
      if (timeout) reject(new AckTimeoutError())
      else if (err || result === undefined) reject(new Error(err ?? 'No answer from the server'))
      else resolve(result)
    })
  })
}

/** Fire-and-forget events are dropped while disconnected: typing and read markers are only hints. */
function tell(send: (socket: ChatSocket) => void) {
  const socket = chatSocket()
  if (socket?.connected) send(socket)
}

/**
 * Socket calls the stores make. On the server (SSR) there is no socket: calls reject or do
 * nothing, so stores can be shared by both sides.
 */
export function useChatSocket() {
  return {
    isConnected: () => chatSocket()?.connected === true,
    connect: () => {
      const socket = chatSocket()
      if (socket && !socket.connected && !socket.active) socket.connect()
    },
    disconnect: () => {
      const socket = chatSocket()
      if (socket && (socket.connected || socket.active)) socket.disconnect()
    },
    sendMessage: async (room: string, message: string, clientId: string, extras: SendExtras = {}) =>
      fromWire(await ask<WireMessage>((socket, done) => socket.timeout(ACK_TIMEOUT_MS).emit('new message', {
        room,
        message,
        clientId,
        ...(extras.attachments?.length ? { attachments: extras.attachments } : {}),
        ...(extras.replyTo ? { replyTo: extras.replyTo } : {}),
        ...(extras.thread ? { thread: extras.thread, ...(extras.alsoToRoom ? { alsoToRoom: true } : {}) } : {}),
      }, done))),
    editMessage: async (room: string, message: string, text: string): Promise<ChatMessage> =>
      fromWire(await ask<WireMessage>((socket, done) => socket.timeout(ACK_TIMEOUT_MS).emit('edit message', { room, message, text }, done))),
    deleteMessage: async (room: string, message: string): Promise<ChatMessage> =>
      fromWire(await ask<WireMessage>((socket, done) => socket.timeout(ACK_TIMEOUT_MS).emit('delete message', { room, message }, done))),
    react: async (room: string, message: string, emoji: string, add: boolean): Promise<ChatMessage> =>
      fromWire(await ask<WireMessage>((socket, done) => socket.timeout(ACK_TIMEOUT_MS).emit('react', { room, message, emoji, add }, done))),
    catchUpChanges: (room: string, since: number, after?: string) =>
      ask<WireChangePage>((socket, done) => socket.timeout(ACK_TIMEOUT_MS).emit('catch up changes', { room, since, ...(after ? { after } : {}) }, done)),
    joinRoom: (room: string) =>
      ask<RoomJoined>((socket, done) => socket.timeout(ACK_TIMEOUT_MS).emit('join room', room, done)),
    leaveRoom: (room: string) => tell(socket => socket.emit('leave room', room)),
    typing: (room: string) => tell(socket => socket.emit('typing', room)),
    stopTyping: (room: string) => tell(socket => socket.emit('stop typing', room)),
    markRead: (room: string, message: string) => tell(socket => socket.emit('mark read', { room, message })),
    active: () => tell(socket => socket.emit('active')),
  }
}
