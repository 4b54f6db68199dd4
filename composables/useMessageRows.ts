import type { MaybeRefOrGetter } from 'vue'
import type { RowInput } from '~/utils/messageRows'

/** The rows of a room's list, rebuilt whenever its messages, the reader or the time zone change. */
export function useMessageRows(input: MaybeRefOrGetter<RowInput>) {
  return computed(() => buildRows(toValue(input)))
}
