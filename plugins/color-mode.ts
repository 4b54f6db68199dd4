/** Every page carries the reader's colour mode on <html>, rendered by the server (see useColorMode). */
export default defineNuxtPlugin({
  name: 'color-mode',
  setup() {
    const { theme } = useColorMode()
    useHead({ htmlAttrs: { 'data-bs-theme': theme } })
  },
})
