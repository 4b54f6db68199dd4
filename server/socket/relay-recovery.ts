import type { Redis } from 'ioredis'

export interface RelayRecoveryHandlers {
  /** The subscription is back after Redis was away: local clients may have missed relays. */
  resubscribed: () => void
  /** This instance dropped relays while Redis was away and can publish again: peers' clients may have missed them. */
  relaysLost: () => void
}

/**
 * Watches the Socket.io adapter's Redis pair for the two ways a Redis outage hides messages
 * from connected clients, neither of which disconnects a socket by itself:
 * - the subscribe connection was down, so relays from other instances never arrived here;
 * - publishes failed here (the adapter does not await them), so other instances never got them.
 * Returns the function to call for every dropped publish.
 */
export function watchRelays(redis: { publish: Redis, subscribe: Redis }, handlers: RelayRecoveryHandlers): () => void {
  let unsubscribed = false
  redis.subscribe.on('close', () => {
    unsubscribed = true
  })
  redis.subscribe.on('ready', () => {
    if (!unsubscribed) return
    // ioredis re-subscribes right after 'ready': a PING answered after those means they are in place.
    redis.subscribe.ping().then(() => {
      unsubscribed = false
      handlers.resubscribed()
    }, () => { /* down again: the next 'ready' retries */ })
  })

  let dropped = false
  const reportDropped = () => {
    if (!dropped || redis.publish.status !== 'ready') return
    dropped = false
    handlers.relaysLost()
  }
  redis.publish.on('ready', reportDropped)
  return () => {
    dropped = true
    // A publish can fail just as the connection comes back: report it then too.
    queueMicrotask(reportDropped)
  }
}
