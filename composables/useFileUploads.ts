import type { MaybeRefOrGetter } from 'vue'
import { MAX_ATTACHMENTS } from '#shared/schemas/limits'
import type { UploadGrant } from '#shared/schemas/uploads'

/** A file picked, dropped or pasted into the composer, on its way to the bucket. */
export interface DraftFile {
  key: string
  name: string
  size: number
  type: string
  /** 0–1, from the browser's upload progress events. */
  progress: number
  status: 'uploading' | 'stored' | 'failed'
  error: string | null
  /** The upload id once granted; the message carries it. */
  id: string | null
}

/** Posts the file to the bucket with the grant's form fields, reporting progress; abortable. */
function postToBucket(grant: UploadGrant, file: File, onProgress: (fraction: number) => void, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const form = new FormData()
    for (const [name, value] of Object.entries(grant.fields)) form.append(name, value)
    form.append('file', file)
    // XMLHttpRequest: fetch() has no upload progress.
    const request = new XMLHttpRequest()
    request.open('POST', grant.url)
    request.upload.onprogress = event => event.lengthComputable && onProgress(event.loaded / event.total)
    request.onload = () => (request.status >= 200 && request.status < 300 ? resolve() : reject(new Error(`The file store refused the upload (${request.status})`)))
    request.onerror = () => reject(new Error('The upload failed: check the connection'))
    request.onabort = () => reject(new DOMException('Cancelled', 'AbortError'))
    signal.addEventListener('abort', () => request.abort(), { once: true })
    request.send(form)
  })
}

/**
 * The files of the message being written: each starts uploading as soon as it is added (grant from
 * the app, then straight to the bucket), shows its progress and can be cancelled. The message may
 * be sent once every file is stored.
 */
export function useFileUploads(room: MaybeRefOrGetter<string>) {
  const api = useApi()
  const files = ref<DraftFile[]>([])
  const controllers = new Map<string, AbortController>()
  const uploading = computed(() => files.value.some(f => f.status === 'uploading'))
  const ids = computed(() => files.value.flatMap(f => (f.status === 'stored' && f.id ? [f.id] : [])))
  /** Every file is stored (and none failed): the message can go. */
  const ready = computed(() => files.value.every(f => f.status === 'stored'))
  const failed = computed(() => files.value.some(f => f.status === 'failed'))

  async function start(file: File, draft: DraftFile) {
    const controller = new AbortController()
    controllers.set(draft.key, controller)
    const live = () => files.value.find(f => f.key === draft.key)
    try {
      const grant = await api(`/api/rooms/${toValue(room)}/uploads`, { method: 'POST', body: { name: file.name || 'file', size: file.size, type: file.type }, signal: controller.signal })
      await postToBucket(grant, file, (fraction) => {
        const item = live()
        if (item) item.progress = fraction
      }, controller.signal)
      const item = live()
      if (item) Object.assign(item, { id: grant.id, progress: 1, status: 'stored' })
    }
    catch (error) {
      const item = live()
      if (item && !controller.signal.aborted) Object.assign(item, { status: 'failed', error: apiErrorMessage(error) })
    }
    finally {
      controllers.delete(draft.key)
    }
  }

  /** Adds files (the first ones up to MAX_ATTACHMENTS); returns a sentence when some were left out. */
  function add(list: Iterable<File>): string | null {
    const incoming = [...list]
    const space = MAX_ATTACHMENTS - files.value.length
    for (const file of incoming.slice(0, Math.max(0, space))) {
      const draft: DraftFile = { key: crypto.randomUUID(), name: file.name || 'file', size: file.size, type: file.type, progress: 0, status: 'uploading', error: null, id: null }
      files.value.push(draft)
      void start(file, draft)
    }
    return incoming.length > space ? `At most ${MAX_ATTACHMENTS} files per message` : null
  }

  /** Stops an upload under way, or takes a stored or failed file off the message. */
  function remove(key: string) {
    controllers.get(key)?.abort()
    files.value = files.value.filter(f => f.key !== key)
  }

  /** After sending: the files now belong to the message. */
  function clear() {
    for (const controller of controllers.values()) controller.abort()
    files.value = []
  }

  return { files, uploading, ready, failed, ids, add, remove, clear }
}
