import { io, type Socket } from 'socket.io-client'
import type { Ack, ChatMessage, MessagePage, RoomMember } from '#shared/types/chat'
import type { ClientToServerEvents, ServerToClientEvents } from '#shared/types/socket'

export type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>

/** How long an acknowledgement may take before the call counts as failed. */
export const ACK_TIMEOUT_MS = 10_000

/**
 * The one Socket.io connection of the page (created by plugins/socket.client.ts). Websocket only:
 * the session cookie authenticates the handshake, so no sticky sessions and no sign-in event.
 */
export function createChatSocket(): ChatSocket {
  return io({
    transports: ['websocket'],
    withCredentials: true,
    autoConnect: false,
    reconnectionDelay: 500,
    reconnectionDelayMax: 3000,
  })
}

/** Turns a node-style acknowledgement `(err, result)` into a promise, with a timeout. */
export function ackPromise<T>(register: (ack: Ack<T>) => void, timeoutMs = ACK_TIMEOUT_MS): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('No answer from the server')), timeoutMs)
    register((err, result) => {
      clearTimeout(timer)
      if (err) reject(new Error(err))
      else resolve(result as T)
    })
  })
}

/**
 * Socket calls the stores make. On the server (SSR) there is no socket: every call is a no-op
 * or rejects, so stores can be shared by both sides.
 */
export function useChatSocket() {
  const nuxtApp = useNuxtApp()
  const socket = (): ChatSocket | null => (import.meta.client ? (nuxtApp.$chatSocket as ChatSocket | undefined) ?? null : null)

  function connected(): ChatSocket {
    const s = socket()
    if (!s?.connected) throw new Error('Not connected')
    return s
  }

  return {
    socket,
    isConnected: () => socket()?.connected === true,
    sendMessage: (room: string, message: string) =>
      ackPromise<ChatMessage>(ack => connected().emit('new message', { room, message }, ack)),
    joinRoom: (room: string) =>
      ackPromise<{ members: RoomMember[] }>(ack => connected().emit('join room', room, ack)),
    leaveRoom: (room: string) => { socket()?.connected && socket()!.emit('leave room', room) },
    catchUp: (room: string, after: string) =>
      ackPromise<MessagePage>(ack => connected().emit('catch up', { room, after }, ack)),
    typing: (room: string) => { socket()?.connected && socket()!.emit('typing', room) },
    stopTyping: (room: string) => { socket()?.connected && socket()!.emit('stop typing', room) },
    markRead: (room: string, message: string) => { socket()?.connected && socket()!.emit('mark read', { room, message }) },
  }
}
