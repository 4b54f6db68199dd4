import type { Ref } from 'vue'
import { useEventListener, useResizeObserver } from '@vueuse/core'

/** Closer than this to the bottom counts as "at the bottom" (new content keeps it pinned). */
const BOTTOM_PX = 64
/** Closer than this to the top, `onNearTop` is called (to load older messages). */
const NEAR_TOP_PX = 400

export interface StickToBottomOptions {
  onNearTop?: () => void
  /** Closer than NEAR_TOP_PX to the bottom (to load newer messages, when not at the present). */
  onNearBottom?: () => void
  /** False while the bottom is not the present (opened on a linked message): nothing pins there. */
  canPin?: () => boolean
  /** A row to open on, centred, instead of the bottom (a linked message). */
  startAt?: () => Element | null | undefined
  /** After settling, the content is shorter than the scroller: there is nothing to scroll up with. */
  onUnderfilled?: () => void
}

function distanceFromBottom(el: HTMLElement): number {
  return el.scrollHeight - el.scrollTop - el.clientHeight
}

/**
 * A chat list's scrolling: pinned to the bottom while the reader is there (whatever grows — new
 * rows, images, fonts, the typing line), left alone while they read further up, with a count of
 * what arrived meanwhile.
 */
export function useStickToBottom(scroller: Ref<HTMLElement | undefined>, content: Ref<HTMLElement | undefined>, options: StickToBottomOptions = {}) {
  const atBottom = ref(true)
  /** Messages from others that arrived while the reader was not at the bottom. */
  const unseen = ref(0)
  /** Scroll events count only once the first pin to the bottom has happened. */
  let settled = false
  const canPin = () => options.canPin?.() ?? true

  /** Centres the start row, if any; false when there is none and the list opens at the bottom. */
  function scrollToStart(): boolean {
    const el = scroller.value
    const row = options.startAt?.()
    if (!el || !row) return false
    const rect = row.getBoundingClientRect()
    el.scrollTop += rect.top - el.getBoundingClientRect().top - (el.clientHeight - rect.height) / 2
    atBottom.value = distanceFromBottom(el) < BOTTOM_PX
    return true
  }

  function scrollToBottom() {
    const el = scroller.value
    if (!el) return
    el.scrollTop = el.scrollHeight
    atBottom.value = true
    unseen.value = 0
  }

  function onScroll() {
    const el = scroller.value
    if (!el || !settled) return
    atBottom.value = distanceFromBottom(el) < BOTTOM_PX
    if (atBottom.value) unseen.value = 0
    if (el.scrollTop < NEAR_TOP_PX) options.onNearTop?.()
    if (distanceFromBottom(el) < NEAR_TOP_PX) options.onNearBottom?.()
  }

  /**
   * New content at the end: stays pinned when at the bottom or when it is the reader's own
   * message (returns true then), else counts `fromOthers` as unseen.
   */
  async function added(fromOthers: number, mine: boolean): Promise<boolean> {
    if (mine || (atBottom.value && canPin())) {
      await nextTick()
      scrollToBottom()
      return true
    }
    unseen.value += fromOthers
    return false
  }

  /** Something grew under the list (e.g. the typing line): keep the last row in view. */
  async function grew() {
    if (!atBottom.value || !canPin()) return
    await nextTick()
    scrollToBottom()
  }

  useEventListener(scroller, 'scroll', onScroll, { passive: true })
  useResizeObserver([scroller, content], () => {
    if (atBottom.value && canPin() && scroller.value) scroller.value.scrollTop = scroller.value.scrollHeight
  })

  onMounted(() => {
    if (!scrollToStart()) scrollToBottom()
    // Once more after the first layout pass, then scroll events start to count.
    requestAnimationFrame(() => {
      if (!scrollToStart()) scrollToBottom()
      settled = true
      const el = scroller.value
      if (el && el.scrollHeight <= el.clientHeight) options.onUnderfilled?.()
    })
  })

  return { atBottom, unseen, scrollToBottom, added, grew }
}
