import type { Ref } from 'vue'

/**
 * A textarea that grows with its text (up to its CSS max-height). Browsers with CSS
 * `field-sizing: content` do it themselves; elsewhere its height follows its scroll height.
 */
export function useAutoGrow(textarea: Ref<HTMLTextAreaElement | undefined>, value: () => string) {
  if (import.meta.server) return
  watch(value, () => {
    const el = textarea.value
    if (!el || CSS.supports('field-sizing', 'content')) return
    el.style.height = 'auto'
    el.style.height = `${el.scrollHeight + el.offsetHeight - el.clientHeight}px`
  }, { flush: 'post' })
}
