/** A typing indicator ends by itself this long after the last 'typing'. */
const TYPING_TTL_MS = 3_000
/** Refreshes are relayed at most this often, so viewers can expire indicators on their side too. */
const RELAY_EVERY_MS = 2_000

/**
 * One socket's typing indicators, by room. `start` says whether this key press should be relayed
 * (the first, then at most every RELAY_EVERY_MS); an indicator not refreshed for TYPING_TTL_MS
 * ends by itself through `onExpire`.
 */
export class TypingState {
  readonly #rooms = new Map<string, { timer: NodeJS.Timeout, relayedAt: number }>()
  readonly #onExpire: (room: string) => void

  constructor(onExpire: (room: string) => void) {
    this.#onExpire = onExpire
  }

  start(room: string, now = Date.now()): boolean {
    const previous = this.#rooms.get(room)
    if (previous) clearTimeout(previous.timer)
    const relay = !previous || now - previous.relayedAt >= RELAY_EVERY_MS
    this.#rooms.set(room, {
      timer: setTimeout(() => this.#onExpire(room), TYPING_TTL_MS),
      relayedAt: relay ? now : previous.relayedAt,
    })
    return relay
  }

  /** Ends an indicator; true when there was one to end. */
  stop(room: string): boolean {
    const typing = this.#rooms.get(room)
    if (!typing) return false
    clearTimeout(typing.timer)
    this.#rooms.delete(room)
    return true
  }

  rooms(): string[] {
    return [...this.#rooms.keys()]
  }
}
