/** A row on screen and how far its bottom edge is from the top of the scroller. */
export interface ScrollAnchor {
  row: Element
  offset: number
}

/**
 * The first row matching `selector` at least partly visible. Its bottom edge is the reference:
 * the oldest row loses its name header when older messages of the same person arrive above it.
 */
export function visibleAnchor(scroller: HTMLElement, selector: string): ScrollAnchor | null {
  const top = scroller.getBoundingClientRect().top
  for (const row of scroller.querySelectorAll(selector)) {
    const rect = row.getBoundingClientRect()
    if (rect.bottom > top) return { row, offset: rect.bottom - top }
  }
  return null
}

/** Scrolls so that the anchor's row is back where it was on screen. */
export function restoreAnchor(scroller: HTMLElement, anchor: ScrollAnchor) {
  if (!anchor.row.isConnected) return
  const offset = anchor.row.getBoundingClientRect().bottom - scroller.getBoundingClientRect().top
  scroller.scrollTop += offset - anchor.offset
}
