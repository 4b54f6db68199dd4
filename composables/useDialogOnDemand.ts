import { until } from '@vueuse/core'

/**
 * A dialog component that is neither rendered on the server nor loaded with the page, but fetched
 * and mounted the first time it is opened (then kept). Use with a `Lazy` component:
 * `<LazyX v-if="shown" ref="dialog" />`, and call `open(...)` where `dialog.value.open(...)` was.
 */
export function useDialogOnDemand<T extends { open: (...args: never[]) => unknown }>() {
  const shown = ref(false)
  const dialog = shallowRef<T>()
  async function open(...args: Parameters<T['open']>): Promise<void> {
    shown.value = true
    const instance = await until(dialog).toBeTruthy()
    await instance.open(...args)
  }
  return { shown, dialog, open }
}
