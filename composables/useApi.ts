import type { RouterMethod } from 'h3'
import type { MatchedRoutes, NitroFetchOptions, TypedInternalResponse } from 'nitropack/types'

/**
 * A path one of the app's routes answers. Nitro's route matching takes template paths too:
 * `/api/rooms/${id}/members` is `/api/rooms/:room/members`. Any other path is a type error.
 */
type ApiPath<P extends string> = [MatchedRoutes<P>] extends [never] ? never : P

/** The method the options ask for, in lower case as Nitro keys them; GET when they name none. */
type MethodOf<O> = O extends { method: infer M extends string } ? Lowercase<M> : 'get'

/**
 * `$fetch` over the app's own routes. What it answers is what Nitro infers from the route's
 * handler for that method (serialised as JSON): there is no type parameter with which a caller
 * could claim another answer, and the options only take the methods the route has.
 */
export type Api = <P extends string, O extends NitroFetchOptions<P> = NitroFetchOptions<P>>(path: ApiPath<P>, options?: O)
// NoInfer: the answer is read from the route, never guessed back from how the caller uses it (which also costs TypeScript dearly).
=> Promise<NoInfer<TypedInternalResponse<P, unknown, MethodOf<O> & RouterMethod>>>

/** `$fetch` that forwards the browser's cookies during server-side rendering. */
export function useApi(): Api {
  // Nuxt's fetch is this same function typed more loosely (any path, an overridable answer type),
  // which TypeScript cannot prove equal to Api.
  return useRequestFetch() as Api
}
