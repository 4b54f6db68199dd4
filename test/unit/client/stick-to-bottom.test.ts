import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import type { StickToBottomOptions } from '~/composables/useStickToBottom'

/** A scroller with a fixed geometry: happy-dom does no layout, so sizes are set by hand. */
function geometry(el: HTMLElement, scrollHeight: number, clientHeight: number) {
  Object.defineProperty(el, 'scrollHeight', { configurable: true, get: () => scrollHeight })
  Object.defineProperty(el, 'clientHeight', { configurable: true, get: () => clientHeight })
}

function mountList(options: StickToBottomOptions = {}) {
  let api!: ReturnType<typeof useStickToBottom>
  const wrapper = mount(defineComponent({
    setup() {
      const scroller = ref<HTMLElement>()
      const content = ref<HTMLElement>()
      api = useStickToBottom(scroller, content, options)
      return () => h('div', { ref: scroller }, [h('div', { ref: content })])
    },
  }), { attachTo: document.body })
  const el = wrapper.element as HTMLElement
  return { wrapper, el, api }
}

function frame(): Promise<void> {
  return new Promise(resolve => requestAnimationFrame(() => resolve()))
}

describe('useStickToBottom', () => {
  it('starts at the bottom and stays pinned while new content arrives', async () => {
    const { el, api } = mountList()
    geometry(el, 2000, 500)
    api.scrollToBottom()
    expect(el.scrollTop).toBe(2000)
    geometry(el, 2400, 500)
    expect(await api.added(1, false)).toBe(true)
    expect(el.scrollTop).toBe(2400)
    expect(api.unseen.value).toBe(0)
  })

  it('counts messages from others while the reader is further up, and clears the count back at the bottom', async () => {
    const nearTop: number[] = []
    const { el, api } = mountList({ onNearTop: () => nearTop.push(el.scrollTop) })
    geometry(el, 2000, 500)
    await frame()
    el.scrollTop = 1000
    el.dispatchEvent(new Event('scroll'))
    expect(api.atBottom.value).toBe(false)
    expect(await api.added(2, false)).toBe(false)
    expect(api.unseen.value).toBe(2)
    // The reader's own message brings them down regardless.
    expect(await api.added(0, true)).toBe(true)
    expect([api.atBottom.value, api.unseen.value]).toEqual([true, 0])
    el.scrollTop = 100
    el.dispatchEvent(new Event('scroll'))
    expect(nearTop).toEqual([100])
  })

  it('does not pin to the bottom while the bottom is not the present, and asks for newer messages there', async () => {
    let present = false
    const nearBottom: number[] = []
    const { el, api } = mountList({ canPin: () => present, onNearBottom: () => nearBottom.push(el.scrollTop) })
    geometry(el, 2000, 500)
    await frame()
    el.scrollTop = 1500
    el.dispatchEvent(new Event('scroll'))
    expect(api.atBottom.value).toBe(true)
    expect(nearBottom).toEqual([1500])
    // Newer history appended below stays below: the reader keeps their place.
    geometry(el, 3000, 500)
    expect(await api.added(0, false)).toBe(false)
    expect(el.scrollTop).toBe(1500)
    present = true
    expect(await api.added(1, false)).toBe(true)
    expect(el.scrollTop).toBe(3000)
  })

  it('opens on a given row instead of the bottom', async () => {
    const row = document.createElement('div')
    const { el, api } = mountList({ startAt: () => row })
    geometry(el, 2000, 500)
    el.append(row)
    await frame()
    await frame()
    expect(el.scrollTop).toBeLessThan(2000)
    expect(api.atBottom.value).toBe(false)
  })

  it('asks for more when the first page does not fill the screen', async () => {
    let underfilled = 0
    const { el } = mountList({ onUnderfilled: () => underfilled++ })
    geometry(el, 300, 500)
    await frame()
    expect(underfilled).toBe(1)
  })

  it('ignores scroll events before the first pin to the bottom', () => {
    const nearTop: number[] = []
    const { el, api } = mountList({ onNearTop: () => nearTop.push(el.scrollTop) })
    geometry(el, 2000, 500)
    el.scrollTop = 0
    el.dispatchEvent(new Event('scroll'))
    expect(nearTop).toEqual([])
    expect(api.atBottom.value).toBe(true)
  })
})
