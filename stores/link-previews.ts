import { defineStore } from 'pinia'

/**
 * Link cards under messages: the cards themselves arrive with the message (`message updated`
 * when the server has read them); this is what a reader does with them. Removing one answers the
 * message as it is now, applied like any other change.
 */
export const useLinkPreviewsStore = defineStore('link-previews', () => {
  const api = useApi()
  const actions = useMessageActionsStore()

  /** The author takes card `index` (for `url`) off their message. */
  async function remove(room: string, id: string, index: number, url: string) {
    const message = await api(`/api/rooms/${room}/messages/${encodeURIComponent(id)}/previews/${index}`, { method: 'DELETE', query: { url } })
    actions.update(message)
  }

  return { remove }
})
