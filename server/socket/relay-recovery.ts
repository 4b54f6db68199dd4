import type { Redis } from 'ioredis'

export interface RelayRecoveryHandlers {
  /** The subscription is back after Redis was away since `since` (ms): local clients may have missed relays. */
  resubscribed: (since: number) => void
  /** This instance dropped relays since `since` (ms) and can publish again: peers' clients may have missed them. */
  relaysLost: (since: number) => void
}

/**
 * Watches the Socket.io adapter's Redis pair for the two ways a Redis outage hides messages
 * from connected clients, neither of which disconnects a socket by itself:
 * - the subscribe connection was down, so relays from other instances never arrived here;
 * - publishes failed here (the adapter does not await them), so other instances never got them.
 * Each is reported with the time relays started going missing, so clients catch up from before it.
 * Returns the function to call for every dropped publish, with the time it was sent.
 */
export function watchRelays(redis: { publish: Redis, subscribe: Redis }, handlers: RelayRecoveryHandlers): (sentAt: number) => void {
  let downSince: number | null = null
  redis.subscribe.on('close', () => {
    downSince ??= Date.now()
  })
  redis.subscribe.on('ready', () => {
    if (downSince === null) return
    // ioredis re-subscribes right after 'ready': a PING answered after those means they are in place.
    redis.subscribe.ping().then(() => {
      const since = downSince
      downSince = null
      if (since !== null) handlers.resubscribed(since)
    }, () => { /* down again: the next 'ready' retries */ })
  })

  let droppedSince: number | null = null
  const reportDropped = () => {
    if (droppedSince === null || redis.publish.status !== 'ready') return
    const since = droppedSince
    droppedSince = null
    handlers.relaysLost(since)
  }
  redis.publish.on('ready', reportDropped)
  return (sentAt) => {
    droppedSince = Math.min(droppedSince ?? sentAt, sentAt)
    // A publish can fail just as the connection comes back: report it then too.
    queueMicrotask(reportDropped)
  }
}
