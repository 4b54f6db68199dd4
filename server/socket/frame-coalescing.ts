import { transports } from 'engine.io'

interface RawSocket { cork: () => void, uncork: () => void }
interface WebSocketTransport { send: (packets: unknown[]) => void, socket: { _socket?: RawSocket } }

let patched = false

/** Frames to a socket leave together at most this often: the first after a quiet spell at once. */
const FRAME_WINDOW_MS = 5

/**
 * ws hands each frame to the kernel on its own, a writev per frame and socket: at 1,000 msg/s to 50
 * sockets those writes were 40 % of the process's CPU. Frames are held (the socket corked) and
 * every held socket is written once, at the end of this turn of the event loop when nothing was
 * written in the last FRAME_WINDOW_MS, else when that window ends: a busy room's sockets each take
 * a few messages per write, and a quiet one's frames wait for nothing but the turn. This patches
 * engine.io's websocket transport (private API: test/unit/frame-coalescing.test.ts fails if an
 * upgrade moves it), once per process.
 */
export function coalesceFrames(): void {
  if (patched) return
  patched = true
  const held = new Set<RawSocket>()
  let due = false
  let writtenAt = -Infinity
  const write = () => {
    due = false
    writtenAt = performance.now()
    const sockets = [...held]
    held.clear()
    for (const raw of sockets) raw.uncork()
  }
  const transport = transports.websocket.prototype as unknown as WebSocketTransport
  const send = transport.send
  transport.send = function (this: WebSocketTransport, packets) {
    const raw = this.socket._socket
    if (raw && !held.has(raw)) {
      raw.cork()
      held.add(raw)
      if (!due) {
        due = true
        const wait = writtenAt + FRAME_WINDOW_MS - performance.now()
        if (wait > 0) setTimeout(write, wait)
        else setImmediate(write)
      }
    }
    send.call(this, packets)
  }
}
