/** `$fetch` that forwards the browser's cookies during server-side rendering. */
export function useApi() {
  return useRequestFetch()
}
