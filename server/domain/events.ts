import { useNitroApp } from 'nitropack/runtime'
import type { NitroRuntimeHooks } from 'nitropack/types'

/** The domain's events: Nitro's hooks whose names start with `chat:` (typed in shared/types/nitro-hooks.d.ts). */
type DomainEvent = Extract<keyof NitroRuntimeHooks, `chat:${string}`>

/**
 * Tells the rest of the server that something happened in the domain. The realtime layer
 * (server/socket/relays.ts) turns every event into socket emits on every instance; the domain
 * never imports it, whichever path (HTTP route or socket event) caused the change.
 */
export async function announce<E extends DomainEvent>(event: E, ...payload: Parameters<NitroRuntimeHooks[E]>): Promise<void> {
  await useNitroApp().hooks.callHook(event, ...payload)
}
