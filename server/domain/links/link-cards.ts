import { LRUCache } from 'lru-cache'
import type { LinkPreview } from '#shared/types/chat'
import { getServerConfig } from '../../core/config.ts'
import { log } from '../../core/logger.ts'
import { useServices } from '../../services/services.ts'
import { decodePage, parsePageCard } from './open-graph.ts'
import { safeFetch, type SafeFetchOptions } from './safe-fetch.ts'
import { storeCardImage } from './card-images.ts'

/**
 * A link's card as this instance knows it: read once per URL per LINK_PREVIEW_CACHE_SECONDS
 * (a link shared in ten rooms is fetched once), its absence cached as well, so a page that has no
 * card or does not answer is not asked again and again. Concurrent reads of one URL share one fetch.
 */
let cards: LRUCache<string, { card: LinkPreview | null }> | undefined
const reading = new Map<string, Promise<LinkPreview | null>>()

/** Fetches in flight on this instance: each holds at most LINK_PREVIEW_MAX_KB, so memory stays bounded. */
const MAX_READS = 4
let running = 0
const waiting: (() => void)[] = []

async function inTurn<T>(work: () => Promise<T>): Promise<T> {
  if (running >= MAX_READS) await new Promise<void>(resolve => waiting.push(resolve))
  running++
  try {
    return await work()
  }
  finally {
    running--
    waiting.shift()?.()
  }
}

function cache() {
  cards ??= new LRUCache({ max: 5000, ttl: getServerConfig().linkPreviews.cacheSeconds * 1000 })
  return cards
}

/** The fetch options every read of link previews uses (the test allowance is empty in production). */
function fetchOptions(kind: 'page' | 'image'): SafeFetchOptions {
  const { timeoutMs, maxPageBytes, maxImageBytes, testAllowAddresses } = getServerConfig().linkPreviews
  return kind === 'page'
    ? { accept: ['text/html', 'application/xhtml+xml'], maxBytes: maxPageBytes, timeoutMs, overflow: 'truncate', allowAddresses: testAllowAddresses }
    : { accept: ['image/'], maxBytes: maxImageBytes, timeoutMs, overflow: 'refuse', allowAddresses: testAllowAddresses }
}

/**
 * The card of `url` for a message of `username`: from the cache, or read now if their hourly
 * allowance lets them (null: no card, for whatever reason; nothing is thrown).
 */
export async function cardFor(url: string, username: string): Promise<LinkPreview | null> {
  const held = cache().get(url)
  if (held) return held.card
  const pending = reading.get(url)
  if (pending) return pending
  if (!await useServices().limits.linkPreview(username)) return null
  const read = inTurn(() => readCard(url)).then((card) => {
    cache().set(url, { card })
    return card
  }).finally(() => reading.delete(url))
  reading.set(url, read)
  return read
}

async function readCard(url: string): Promise<LinkPreview | null> {
  try {
    const page = await safeFetch(url, fetchOptions('page'))
    const card = parsePageCard(decodePage(page.body, page.contentType), page.url)
    if (!card) return null
    const { imageUrl, ...text } = card
    const image = imageUrl ? await storeCardImage(imageUrl, fetchOptions('image')) : null
    return { url, ...text, ...(image ? { image } : {}) }
  }
  catch (error) {
    // Expected for many links (no card, refused address, slow site): a debug line, not a warning.
    log.debug('link_preview.unavailable', { url, error })
    return null
  }
}
