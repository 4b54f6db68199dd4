import { useDebounceFn } from '@vueuse/core'
import type { SearchHit, SearchPage } from '#shared/types/search'
import { SEARCH_QUERY_MAX } from '#shared/schemas/limits'

/** Wait after the last keystroke before searching: results come while typing, not per key. */
const SEARCH_DEBOUNCE_MS = 250

/**
 * The search box's state: what was typed, the hits so far, and more on request. Results follow
 * the text as it is typed (debounced); an answer to an older text is dropped when it comes late.
 */
export function useMessageSearch() {
  const api = useApi()
  const text = ref('')
  const hits = ref<SearchHit[]>([])
  const next = ref<string | null>(null)
  const loading = ref(false)
  const error = ref('')
  /** The text the hits are for ('' before any search). */
  const searched = ref('')
  let latest = 0

  async function fetchPage(q: string, before: string | null): Promise<SearchPage | null> {
    const ticket = ++latest
    loading.value = true
    error.value = ''
    try {
      const page = await api('/api/search', { query: { q, ...(before ? { before } : {}) } })
      return ticket === latest ? page : null
    }
    catch (e) {
      // The query's own problem ("has:image" is not a filter…), without "q:" before it.
      if (ticket === latest) error.value = apiIssueMessage(e)
      return null
    }
    finally {
      if (ticket === latest) loading.value = false
    }
  }

  async function run(q: string) {
    if (!q.trim()) {
      latest++
      hits.value = []
      next.value = null
      searched.value = ''
      error.value = ''
      loading.value = false
      return
    }
    const page = await fetchPage(q.slice(0, SEARCH_QUERY_MAX), null)
    if (!page && error.value) {
      hits.value = []
      next.value = null
    }
    if (!page) return
    hits.value = page.messages
    next.value = page.next
    searched.value = q
  }

  const debounced = useDebounceFn(run, SEARCH_DEBOUNCE_MS)
  watch(text, q => void debounced(q))

  async function more() {
    if (!next.value || loading.value) return
    const q = searched.value
    const page = await fetchPage(q, next.value)
    if (!page || q !== text.value) return
    const known = new Set(hits.value.map(h => h.id))
    hits.value = [...hits.value, ...page.messages.filter(h => !known.has(h.id))]
    next.value = page.next
  }

  function clear() {
    text.value = ''
    void run('')
  }

  return { text, hits, next, loading, error, searched, more, clear }
}
