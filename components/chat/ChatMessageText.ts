import { h, type PropType } from 'vue'

/**
 * Message text as text: links become anchors built from data, everything else is a text node.
 * A render function (not a template) so no template whitespace leaks into `white-space: pre-wrap`,
 * and never `v-html`: user content cannot become markup.
 */
export default defineComponent({
  name: 'ChatMessageText',
  props: { text: { type: String as PropType<string>, required: true } },
  setup(props) {
    const segments = computed(() => linkify(props.text))
    return () => h('p', { class: 'message-text' }, segments.value.map(segment => segment.kind === 'link'
      ? h('a', { href: segment.href, target: '_blank', rel: 'noopener noreferrer' }, segment.text)
      : segment.text))
  },
})
